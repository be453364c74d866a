package io.qfserving.models.quant;

import java.util.Arrays;

/**
 * Distribution of a tensor's values over calibration batches, kept in a fixed number of equal bins
 * so memory stays constant however many values are recorded; {@link RangeSearch} picks clip ranges
 * from it. Exact min, max and count are tracked beside the bins.
 *
 * <p>The range is not known in advance, so it grows. Growth keeps every old bin edge on the new
 * grid: the new lower edge is a whole number of old bins below the old one and the new width a whole
 * number {@code k} of old widths, so each new bin is exactly the sum of {@code k} adjacent old bins.
 * Earlier counts are never split or interpolated; only resolution is lost, and only as much as the
 * wider range needs. While every recorded value is identical the bins have width 0 and hold the
 * count in bin 0; the first distinct value then sets the range to exactly [min, max].
 *
 * <p>A bin's range is [lower edge, upper edge), except that the top edge belongs to the last bin.
 * With a power-of-two bin count (the default) the first range's edges are exact, so a batch reaching
 * the same maximum again does not grow the range.
 */
public final class Histogram {

    public static final int DEFAULT_BINS = 2048;

    private final int bins;
    private long[] counts;
    private double lowerEdge;
    private double binWidth;
    private long count;
    private long zeros;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    public Histogram() {
        this(DEFAULT_BINS);
    }

    public Histogram(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least one bin: " + bins);
        }
        this.bins = bins;
        this.counts = new long[bins];
    }

    /** Adds a batch, growing the range first if the batch falls outside it. Values must be finite. */
    public void record(float[] values) {
        if (values.length == 0) {
            return;
        }
        float batchMin = Float.POSITIVE_INFINITY;
        float batchMax = Float.NEGATIVE_INFINITY;
        for (float value : values) {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("cannot record a non-finite value: " + value);
            }
            batchMin = Math.min(batchMin, value);
            batchMax = Math.max(batchMax, value);
        }
        cover(Math.min(min, batchMin), Math.max(max, batchMax));
        for (float value : values) {
            counts[binOf(value)]++;
            if (value == 0) {
                zeros++;
            }
        }
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
        count += values.length;
    }

    private void cover(float newMin, float newMax) {
        if (binWidth == 0) {
            startRange(newMin, newMax);
        } else if (indexOf(newMin) < 0 || indexOf(newMax) > bins) {
            double binsBelow = Math.max(0, Math.ceil((lowerEdge - newMin) / binWidth));
            double binsAbove = Math.max(bins, Math.ceil((newMax - lowerEdge) / binWidth));
            mergeBins(binsBelow, Math.ceil((binsBelow + binsAbove) / bins));
        }
    }

    /** Called while all earlier values equal {@code min}: they move, exactly, to the bin holding it. */
    private void startRange(float newMin, float newMax) {
        lowerEdge = newMin;
        binWidth = ((double) newMax - newMin) / bins;
        if (count > 0) {
            counts[0] = 0;
            counts[binOf(min)] = count;
        }
    }

    /** Prepends {@code binsBelow} empty old bins, then sums each run of {@code factor} old bins. */
    private void mergeBins(double binsBelow, double factor) {
        long[] merged = new long[bins];
        for (int i = 0; i < bins; i++) {
            merged[Math.min(bins - 1, (int) ((i + binsBelow) / factor))] += counts[i];
        }
        counts = merged;
        lowerEdge -= binsBelow * binWidth;
        binWidth *= factor;
    }

    private double indexOf(double value) {
        return (value - lowerEdge) / binWidth;
    }

    /** The bin a value falls in; values beyond the edges (rounding) go to the nearest end bin. */
    int binOf(double value) {
        return binWidth == 0 ? 0 : (int) Math.clamp((long) indexOf(value), 0, bins - 1);
    }

    public int bins() {
        return bins;
    }

    public long count() {
        return count;
    }

    /**
     * Values recorded as exactly 0 (a ReLU's output is often half zeros): the quantizer represents 0
     * exactly, so these carry no rounding error.
     */
    public long zeros() {
        return zeros;
    }

    /** Smallest recorded value; +infinity while empty. */
    public float min() {
        return min;
    }

    /** Largest recorded value; -infinity while empty. */
    public float max() {
        return max;
    }

    /** 0 while fewer than two distinct values have been recorded. */
    public double binWidth() {
        return binWidth;
    }

    /** The {@code bins() + 1} edges, ascending. */
    public double[] binEdges() {
        double[] edges = new double[bins + 1];
        Arrays.setAll(edges, i -> lowerEdge + i * binWidth);
        return edges;
    }

    public double[] binCenters() {
        double[] centers = new double[bins];
        Arrays.setAll(centers, i -> lowerEdge + (i + 0.5) * binWidth);
        return centers;
    }

    public long[] counts() {
        return counts.clone();
    }
}
