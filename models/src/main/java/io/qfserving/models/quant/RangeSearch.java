package io.qfserving.models.quant;

/**
 * Chooses a per-tensor uint8 activation quantizer from a calibration {@link Histogram} by modelling
 * the expected squared error of a clip range [lo, hi] with step delta = (hi - lo) / 255:
 *
 * <ul>
 *   <li>rounding loss: values inside the range err uniformly within half a step, count * delta^2 / 12,
 *       except exact zeros, which the quantizer represents exactly (counting them, as a plain
 *       histogram would, makes post-ReLU ranges look costlier than they are and clips them too hard);
 *   <li>saturation loss: values outside are clipped, the sum over those bins of
 *       count * (bin center - nearest bound)^2.
 * </ul>
 *
 * The range always contains 0 (bounds never cross it), as {@link LinearQuantizer#fromRange} needs.
 * Losses are sums over all recorded values, in squared activation units, so the {@link Result}
 * carries the min/max loss too for reporting how much the search gained.
 */
public final class RangeSearch {

    private RangeSearch() {}

    /**
     * @param quantizer the uint8 quantizer for the chosen range
     * @param clipMin the chosen lower bound (≤ 0)
     * @param clipMax the chosen upper bound (≥ 0)
     * @param loss the modelled loss of the chosen range
     * @param minMaxLoss the modelled loss of the observed [min, max] (equal to {@code loss} for MIN_MAX)
     */
    public record Result(LinearQuantizer quantizer, double clipMin, double clipMax, double loss, double minMaxLoss) {}

    /**
     * MIN_MAX keeps the observed range; GREEDY starts from it and shrinks it (see {@link RangeMethod}).
     * Both widen the range to contain 0.
     *
     * @throws IllegalArgumentException if nothing was recorded
     */
    public static Result search(Histogram histogram, RangeMethod method) {
        if (histogram.count() == 0) {
            throw new IllegalArgumentException("no calibration values recorded");
        }
        ClipLoss clipLoss = new ClipLoss(histogram);
        Clip minMax = clipLoss.clip(clipLoss.minEdge, clipLoss.maxEdge);
        Clip chosen = method == RangeMethod.GREEDY ? shrinkGreedily(clipLoss, minMax) : minMax;
        double clipMin = clipLoss.lowerBound(chosen.lower());
        double clipMax = clipLoss.upperBound(chosen.upper());
        LinearQuantizer quantizer = LinearQuantizer.fromRange((float) clipMin, (float) clipMax, QuantType.UINT8);
        return new Result(quantizer, clipMin, clipMax, chosen.loss(), minMax.loss());
    }

    /** Moves one bound one bin inward at a time, whichever lowers the loss more, until neither does. */
    private static Clip shrinkGreedily(ClipLoss clipLoss, Clip start) {
        Clip current = start;
        while (true) {
            int lower = current.lower();
            int upper = current.upper();
            Clip raised = clipLoss.canRaise(lower, upper) ? clipLoss.clip(lower + 1, upper) : current;
            Clip dropped = clipLoss.canDrop(lower, upper) ? clipLoss.clip(lower, upper - 1) : current;
            Clip better = raised.loss() <= dropped.loss() ? raised : dropped;
            if (better.loss() >= current.loss()) {
                return current;
            }
            current = better;
        }
    }

    /** A candidate clip range as bin edge indices, with its loss. */
    private record Clip(int lower, int upper, double loss) {}

    /**
     * The loss of clipping at bin edges, in O(1) per candidate from prefix sums over bins of
     * count, count * center and count * center^2: the saturation sum over bins expands to
     * S2 - 2 * bound * S1 + bound^2 * S0. Candidate bounds are edge indices, except that the edges
     * of the bins holding min and max stand for min and max themselves, so the search starts from
     * exactly the min/max range and can only improve on it.
     */
    private static final class ClipLoss {

        final int minEdge;
        final int maxEdge;
        private final double[] edges;
        private final float min;
        private final float max;
        private final double[] countSums;
        private final double[] centerSums;
        private final double[] squareSums;
        private final long zeros;

        ClipLoss(Histogram histogram) {
            zeros = histogram.zeros();
            edges = histogram.binEdges();
            min = histogram.min();
            max = histogram.max();
            minEdge = histogram.binOf(min);
            maxEdge = histogram.binOf(max) + 1;
            long[] counts = histogram.counts();
            double[] centers = histogram.binCenters();
            countSums = new double[counts.length + 1];
            centerSums = new double[counts.length + 1];
            squareSums = new double[counts.length + 1];
            for (int i = 0; i < counts.length; i++) {
                countSums[i + 1] = countSums[i] + counts[i];
                centerSums[i + 1] = centerSums[i] + counts[i] * centers[i];
                squareSums[i + 1] = squareSums[i] + counts[i] * centers[i] * centers[i];
            }
        }

        double lowerBound(int edge) {
            return Math.min(edge == minEdge ? min : edges[edge], 0);
        }

        double upperBound(int edge) {
            return Math.max(edge == maxEdge ? max : edges[edge], 0);
        }

        boolean canRaise(int lower, int upper) {
            return lower + 1 < upper && edges[lower + 1] <= 0;
        }

        boolean canDrop(int lower, int upper) {
            return upper - 1 > lower && edges[upper - 1] >= 0;
        }

        /** Clipping to [lowerBound(lower), upperBound(upper)]: bins [lower, upper) lie inside. */
        Clip clip(int lower, int upper) {
            double lo = lowerBound(lower);
            double hi = upperBound(upper);
            double delta = (hi - lo) / QuantType.UINT8.steps();
            // Every range contains 0, so every exact zero lies inside it.
            double rounding = (countSums[upper] - countSums[lower] - zeros) * delta * delta / 12;
            return new Clip(lower, upper, rounding + saturation(0, lower, lo) + saturation(upper, edges.length - 1, hi));
        }

        /** Sum over bins [from, to) of count * (center - bound)^2; cancellation may leave a tiny negative. */
        private double saturation(int from, int to, double bound) {
            double count = countSums[to] - countSums[from];
            double centers = centerSums[to] - centerSums[from];
            double squares = squareSums[to] - squareSums[from];
            return Math.max(0, squares - 2 * bound * centers + bound * bound * count);
        }
    }
}
