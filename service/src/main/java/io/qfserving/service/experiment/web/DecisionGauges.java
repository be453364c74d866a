package io.qfserving.service.experiment.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.qfserving.service.experiment.CurrentVersions;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentReport;
import io.qfserving.service.experiment.ExperimentReporter;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.StateUnavailableException;
import io.qfserving.service.experiment.StoredExperiment;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.state.StateProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The replace decisions as Prometheus gauges, labelled experiment, candidate and control, for
 * dashboards and for rollout controllers (Argo Rollouts, Flagger) that poll them:
 * {@code qf_experiment_decision} (1 replace, 0 continue, -1 keep), the anytime-valid bounds of the
 * accuracy difference, and the observations the decision rests on. Recomputed from the shared
 * counters every {@code qf.state.resync-interval}, so every replica exports the same values; while
 * the store cannot be read, the last values stay.
 */
@Component
class DecisionGauges extends PeriodicWork implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(DecisionGauges.class);

    private final ExperimentRegistry registry;
    private final ExperimentStore store;
    private final ExperimentReporter reporter;
    private final CurrentVersions versions;
    private MultiGauge decision;
    private MultiGauge lower;
    private MultiGauge upper;
    private MultiGauge observations;

    DecisionGauges(ExperimentRegistry registry, ExperimentStore store, ExperimentReporter reporter, CurrentVersions versions,
            StateProperties state) {
        super("experiment-decisions", Duration.ZERO, state.resyncInterval());
        this.versions = versions;
        this.registry = registry;
        this.store = store;
        this.reporter = reporter;
    }

    /** Bound before the context starts, so before the first update. */
    @Override
    public void bindTo(MeterRegistry meters) {
        decision = MultiGauge.builder(MetricNames.EXPERIMENT_DECISION)
                .description("Replace decision of a candidate against its control: 1 replace, 0 continue, -1 keep").register(meters);
        lower = MultiGauge.builder(MetricNames.EXPERIMENT_DIFFERENCE_LOWER)
                .description("Anytime-valid lower bound of accuracy(candidate) - accuracy(control), as a proportion").register(meters);
        upper = MultiGauge.builder(MetricNames.EXPERIMENT_DIFFERENCE_UPPER)
                .description("Anytime-valid upper bound of accuracy(candidate) - accuracy(control), as a proportion").register(meters);
        observations = MultiGauge.builder(MetricNames.EXPERIMENT_OBSERVATIONS)
                .description("Observations the replace decision rests on").register(meters);
    }

    @Override
    void runPeriodically() {
        List<Map.Entry<Tags, ExperimentReport.Decision>> rows = new ArrayList<>();
        try {
            for (StoredExperiment stored : registry.list()) {
                ExperimentReport report = reporter.report(stored, store.counters(stored.name(), stored.revision()), versions);
                for (ExperimentReport.Decision d : report.decisions()) {
                    rows.add(Map.entry(Tags.of("experiment", stored.name(), "candidate", d.candidate(), "control", d.control()), d));
                }
            }
        } catch (StateUnavailableException e) {
            log.debug("decisions not updated: {}", e.getMessage());
            return;
        } catch (RuntimeException e) {
            // Keep the schedule alive: the next update may succeed.
            log.warn("decisions not updated", e);
            return;
        }
        publish(decision, rows, d -> switch (d.state()) {
            case "replace" -> 1;
            case "keep" -> -1;
            default -> 0;
        });
        publish(lower, rows, ExperimentReport.Decision::differenceLower);
        publish(upper, rows, ExperimentReport.Decision::differenceUpper);
        publish(observations, rows, ExperimentReport.Decision::observations);
    }

    private static void publish(MultiGauge gauge, List<Map.Entry<Tags, ExperimentReport.Decision>> rows,
            ToDoubleFunction<ExperimentReport.Decision> value) {
        // Overwrite: pairs of a changed or removed experiment disappear with it.
        gauge.register(rows.stream().map(row -> MultiGauge.Row.of(row.getKey(), value.applyAsDouble(row.getValue()))).toList(), true);
    }
}
