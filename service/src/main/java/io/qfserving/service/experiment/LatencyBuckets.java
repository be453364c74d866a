package io.qfserving.service.experiment;

import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;

/**
 * Latency as counts in geometric buckets 2% wide, so that every store (one process's memory, or
 * Redis hashes incremented by many replicas) keeps it the same way and reports the same
 * percentiles. Bucket {@code i} holds latencies from {@code 1.02^i} to {@code 1.02^(i+1)}
 * microseconds; a percentile is reported as its bucket's geometric middle, within 1%.
 */
public final class LatencyBuckets {

    private static final double LOG_WIDTH = Math.log(1.02);
    private static final long MAX_MICROS = Duration.ofMinutes(5).toNanos() / 1000;

    private LatencyBuckets() {}

    /** The bucket a latency falls in (latencies below 1 µs in bucket 0, above 5 minutes in the last). */
    public static int bucket(Duration latency) {
        long micros = Math.clamp(latency.toNanos() / 1000, 1, MAX_MICROS);
        return (int) Math.floor(Math.log(micros) / LOG_WIDTH);
    }

    /**
     * The given percentile, in milliseconds, of the latencies counted per bucket; null when none were.
     *
     * @param counts by bucket, in ascending order
     */
    public static Double percentileMillis(SortedMap<Integer, Long> counts, double percentile) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100 * total));
        long seen = 0;
        for (Map.Entry<Integer, Long> bucket : counts.entrySet()) {
            seen += bucket.getValue();
            if (seen >= rank) {
                return Math.exp((bucket.getKey() + 0.5) * LOG_WIDTH) / 1000;
            }
        }
        throw new IllegalStateException("unreachable: the ranks add up to the total");
    }
}
