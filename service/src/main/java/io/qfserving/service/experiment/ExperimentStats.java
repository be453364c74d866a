package io.qfserving.service.experiment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * What each experiment's variants have done since the experiment was (re)configured: requests and
 * their latency, feedback, and shadow agreement. The report reads it; Prometheus gets the same
 * events as counters and bucketed histograms, this keeps exact percentiles per variant.
 */
public final class ExperimentStats {

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(5);

    private static final class VariantStats {
        final LongAdder requests = new LongAdder();
        final LongAdder correct = new LongAdder();
        final LongAdder incorrect = new LongAdder();
        final LongAdder shadowAgreements = new LongAdder();
        final LongAdder shadowComparisons = new LongAdder();
        final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);

        VariantCounters counters() {
            boolean any = latencyMicros.getTotalCount() > 0;
            return new VariantCounters(requests.sum(), correct.sum(), incorrect.sum(),
                    any ? latencyMicros.getValueAtPercentile(50) / 1000.0 : null,
                    any ? latencyMicros.getValueAtPercentile(95) / 1000.0 : null,
                    shadowAgreements.sum(), shadowComparisons.sum());
        }
    }

    private final Map<String, Map<String, VariantStats>> experiments = new ConcurrentHashMap<>();

    private VariantStats variant(String experiment, String variant) {
        return experiments.computeIfAbsent(experiment, e -> new ConcurrentHashMap<>())
                .computeIfAbsent(variant, v -> new VariantStats());
    }

    public void served(String experiment, String variant, Duration latency) {
        VariantStats stats = variant(experiment, variant);
        stats.requests.increment();
        stats.latencyMicros.recordValue(Math.clamp(latency.toNanos() / 1000, 0, MAX_LATENCY_MICROS));
    }

    public void feedback(String experiment, String variant, boolean correct) {
        VariantStats stats = variant(experiment, variant);
        (correct ? stats.correct : stats.incorrect).increment();
    }

    /** A mirrored request of {@code variant} whose shadow answered, and whether their top-1 agreed. */
    public void shadowCompared(String experiment, String variant, boolean agreed) {
        VariantStats stats = variant(experiment, variant);
        stats.shadowComparisons.increment();
        if (agreed) {
            stats.shadowAgreements.increment();
        }
    }

    /** Counters per variant name (variants that saw nothing are absent). */
    public Map<String, VariantCounters> counters(String experiment) {
        Map<String, VariantCounters> counters = new LinkedHashMap<>();
        experiments.getOrDefault(experiment, Map.of()).forEach((variant, stats) -> counters.put(variant, stats.counters()));
        return counters;
    }

    /** Forgets an experiment's numbers: a reconfigured experiment is a new test. */
    public void reset(String experiment) {
        experiments.remove(experiment);
    }
}
