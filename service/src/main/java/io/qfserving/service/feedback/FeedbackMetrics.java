package io.qfserving.service.feedback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.qfserving.service.experiment.CounterKey;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.metrics.LabelledCounters;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.metrics.ModelTags;
import org.springframework.stereotype.Component;

/**
 * Feedback counted per model version, experiment arm and verdict ({@code qf_feedback_total}): the online
 * accuracy. Its labels are those of the version that served, so each series is registered when the
 * first feedback on that version comes.
 */
@Component
class FeedbackMetrics implements MeterBinder {

    /** A verdict on a prediction of a version, in an experiment arm or none (empty). */
    private record Verdict(PendingPrediction.ServedBy servedBy, String experiment, String variant, boolean correct) {}

    private LabelledCounters<Verdict> verdicts;

    @Override
    public void bindTo(MeterRegistry registry) {
        verdicts = new LabelledCounters<>(registry, verdict -> Counter.builder(MetricNames.FEEDBACK)
                .description("Feedback on served predictions: was the top-1 class right?")
                .tags(ModelTags.of(verdict.servedBy())).tags(ModelTags.experiment(verdict.experiment(), verdict.variant()))
                .tag("outcome", verdict.correct() ? "correct" : "incorrect"));
    }

    /** Counts feedback on {@code served}: whether its top-1 class was right. */
    void counted(PendingPrediction served, boolean correct) {
        CounterKey experiment = served.counters();
        verdicts.get(experiment == null ? new Verdict(served.servedBy(), "", "", correct)
                : new Verdict(served.servedBy(), experiment.experiment(), experiment.variant(), correct)).increment();
    }
}
