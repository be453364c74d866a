package io.qfserving.service.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The named counts every store keeps per variant (one Redis hash field, or one in-memory adder,
 * each), what each event increments, and how they add up to {@link VariantCounters}: one scheme, so
 * both stores answer the same report for the same events.
 */
public final class VariantTally {

    static final String REQUESTS = "requests";
    static final String CORRECT = "correct";
    static final String INCORRECT = "incorrect";
    static final String SHADOW_COMPARED = "shadow_compared";
    static final String SHADOW_AGREED = "shadow_agreed";
    /** Followed by 1 or 0 for the primary's correctness, then the shadow's. */
    static final String PAIRED = "paired_";
    /** Followed by the {@link LatencyBuckets} bucket. */
    static final String LATENCY = "latency_";

    private VariantTally() {}

    /** The counts a served request increments. */
    public static List<String> served(Duration latency) {
        return List.of(REQUESTS, LATENCY + LatencyBuckets.bucket(latency));
    }

    /**
     * The counts one image's feedback increments: whether the variant was right, under
     * {@code counters}; and, where the shadow answered it too, who of the two was right, under
     * {@code counters.shadowedBy(shadowVersion)}.
     *
     * @param shadowVersion the version of the shadow model that answered the image, or null when none did
     */
    public static List<Count> feedback(CounterKey counters, boolean correct, String shadowVersion, Boolean shadowCorrect) {
        List<Count> counts = new ArrayList<>(2);
        counts.add(new Count(counters, correct ? CORRECT : INCORRECT));
        if (shadowVersion != null && shadowCorrect != null) {
            counts.add(new Count(counters.shadowedBy(shadowVersion), PAIRED + (correct ? 1 : 0) + (shadowCorrect ? 1 : 0)));
        }
        return counts;
    }

    /** One count to increment: its name under a counter key. */
    public record Count(CounterKey key, String name) {}

    /** The counts a shadow comparison increments. */
    public static List<String> shadowCompared(boolean agreed) {
        return agreed ? List.of(SHADOW_COMPARED, SHADOW_AGREED) : List.of(SHADOW_COMPARED);
    }

    /** Adds up the counts of one tally ({@link CounterKey#tally()}) by name (absent names count 0). */
    public static VariantCounters counters(Map<String, Long> counts) {
        SortedMap<Integer, Long> latency = new TreeMap<>();
        counts.forEach((name, count) -> {
            if (name.startsWith(LATENCY)) {
                latency.merge(Integer.parseInt(name.substring(LATENCY.length())), count, Long::sum);
            }
        });
        return new VariantCounters(count(counts, REQUESTS), count(counts, CORRECT), count(counts, INCORRECT),
                LatencyBuckets.percentileMillis(latency, 50), LatencyBuckets.percentileMillis(latency, 95),
                count(counts, SHADOW_AGREED), count(counts, SHADOW_COMPARED),
                new VariantCounters.PairedOutcomes(count(counts, PAIRED + "11"), count(counts, PAIRED + "10"),
                        count(counts, PAIRED + "01"), count(counts, PAIRED + "00")));
    }

    private static long count(Map<String, Long> counts, String name) {
        return counts.getOrDefault(name, 0L);
    }
}
