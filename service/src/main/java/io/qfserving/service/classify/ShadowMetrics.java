package io.qfserving.service.classify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.qfserving.service.experiment.Route;
import io.qfserving.service.metrics.LabelledCounters;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.repository.ServedModel;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The meters of shadow traffic: whether primary and shadow agreed on each image's top-1 class, and
 * the copies dropped. Their labels name the experiment and the models, which only traffic tells, so
 * each series is registered when it first occurs.
 */
@Component
class ShadowMetrics implements MeterBinder {

    /** Why a shadow copy was dropped: the shadow budget was spent, or the shadow failed. */
    enum Drop {
        BUSY, FAILED
    }

    private record Dropped(String experiment, String shadowModel, Drop reason) {}

    private record Compared(String experiment, String primaryModel, String primaryVersion, String shadowModel, String shadowVersion,
            boolean agreed) {}

    private LabelledCounters<Dropped> dropped;
    private LabelledCounters<Compared> compared;

    @Override
    public void bindTo(MeterRegistry registry) {
        dropped = new LabelledCounters<>(registry, key -> Counter.builder(MetricNames.SHADOW_DROPPED)
                .description("Shadow copies not run: queue full (busy) or failed")
                .tags("experiment", key.experiment(), "shadow_model", key.shadowModel(), "reason",
                        key.reason().name().toLowerCase(Locale.ROOT)));
        compared = new LabelledCounters<>(registry, key -> Counter.builder(MetricNames.SHADOW_COMPARISONS)
                .description("Top-1 agreement of primary and shadow answers per image")
                .tags("experiment", key.experiment(), "primary_model", key.primaryModel(), "primary_version", key.primaryVersion(),
                        "shadow_model", key.shadowModel(), "shadow_version", key.shadowVersion(),
                        "outcome", key.agreed() ? "agree" : "disagree"));
    }

    /** The copies of {@code route}'s shadow dropped for {@code reason}. */
    Counter dropped(Route route, Drop reason) {
        return dropped.get(new Dropped(route.experiment(), route.shadow().model(), reason));
    }

    /** Counts one image that {@code primary} and {@code shadow} both classified. */
    void compared(String experiment, ServedModel primary, ServedModel shadow, boolean agreed) {
        compared.get(new Compared(experiment, primary.name(), primary.version(), shadow.name(), shadow.version(), agreed)).increment();
    }
}
