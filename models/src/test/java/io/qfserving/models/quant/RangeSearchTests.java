package io.qfserving.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSearchTests {

    /** 12 * 255^2: rounding loss per value is (range / 255)^2 / 12 = range^2 / ROUNDING_DIVISOR. */
    private static final double ROUNDING_DIVISOR = 12.0 * 255 * 255;

    @Test
    void minMaxKeepsTheObservedRangeAndCostsOneTwelfthOfAStepSquaredPerValue() {
        Histogram histogram = new Histogram();
        float[] values = Samples.uniform(new Random(1), 100_000, -1, 3);
        values[0] = -1f;
        values[1] = 3f;
        histogram.record(values);

        RangeSearch.Result result = RangeSearch.search(histogram, RangeMethod.MIN_MAX);

        assertThat(result.clipMin()).isEqualTo(-1.0);
        assertThat(result.clipMax()).isEqualTo(3.0);
        assertThat(result.loss()).isEqualTo(result.minMaxLoss());
        assertThat(result.loss()).isCloseTo(100_000 * 16 / ROUNDING_DIVISOR, within(1e-9));
        assertThat(result.quantizer()).isEqualTo(LinearQuantizer.fromRange(-1f, 3f, QuantType.UINT8));
    }

    @Test
    void greedyLossMatchesTheModelOnAHandCheckableHistogram() {
        Histogram histogram = new Histogram();
        histogram.record(new float[] {0f, 2.55f});
        double width = histogram.binWidth();
        double lastInnerEdge = histogram.binEdges()[2047];

        RangeSearch.Result result = RangeSearch.search(histogram, RangeMethod.GREEDY);

        // min/max: both values inside, step 0.01; 0 is exact, so only 2.55 rounds. Greedy: clipping 2.55 to
        // the last inner edge costs (half a bin)^2 of saturation and removes its rounding; one bin further
        // costs more saturation than it saves.
        assertThat(result.minMaxLoss()).isCloseTo(0.01 * 0.01 / 12, within(1e-12));
        assertThat(result.clipMin()).isZero();
        assertThat(result.clipMax()).isEqualTo(lastInnerEdge);
        assertThat(lastInnerEdge).isLessThan(2.55);
        assertThat(result.loss()).isCloseTo(width * width / 4, within(1e-12));
        assertThat(result.quantizer().zeroPoint()).isZero();
    }

    @Test
    void exactZerosCostNoRoundingLoss() {
        // A ReLU's output: half exact zeros, half spread over (0, 2]; the quantizer represents 0 exactly.
        float[] values = Samples.uniform(new Random(3), 50_000, 0, 2);
        values[0] = 2f;
        float[] relu = new float[100_000];
        System.arraycopy(values, 0, relu, 0, values.length);
        Histogram histogram = new Histogram();
        histogram.record(relu);

        RangeSearch.Result result = RangeSearch.search(histogram, RangeMethod.MIN_MAX);

        assertThat(histogram.zeros()).isEqualTo(50_000);
        assertThat(result.loss()).isCloseTo(50_000 * 4 / ROUNDING_DIVISOR, within(1e-9));
    }

    @Test
    void greedyNeverLosesToMinMaxAndAlwaysKeepsZero() {
        for (int seed = 0; seed < 60; seed++) {
            Random random = new Random(seed);
            Histogram histogram = new Histogram(new int[] {64, 512, 2048}[seed % 3]);
            int n = 1_000 + random.nextInt(100_000);
            for (int batch = 0; batch < 1 + seed % 4; batch++) {
                histogram.record(sample(random, seed % 6, n));
            }

            RangeSearch.Result greedy = RangeSearch.search(histogram, RangeMethod.GREEDY);
            RangeSearch.Result minMax = RangeSearch.search(histogram, RangeMethod.MIN_MAX);

            assertThat(greedy.loss()).as("seed %d", seed).isLessThanOrEqualTo(minMax.loss());
            assertThat(greedy.minMaxLoss()).isEqualTo(minMax.loss());
            assertThat(greedy.clipMin()).isBetween(Math.min(histogram.min(), 0.0), 0.0);
            assertThat(greedy.clipMax()).isBetween(0.0, Math.max(histogram.max(), 0.0));
            assertThat(greedy.quantizer().fakeQuantize(0f)).isEqualTo(0f);
        }
    }

    /** Shapes a calibration batch can take: symmetric, outliers, flat, ReLU-like, all negative, bimodal. */
    private static float[] sample(Random random, int shape, int n) {
        return switch (shape) {
            case 0 -> Samples.gaussian(random, n, 0.3, 1 + 10 * random.nextDouble());
            case 1 -> withOutliers(random, Samples.gaussian(random, n, 0, 1));
            case 2 -> Samples.uniform(random, n, -random.nextDouble(), 5 * random.nextDouble());
            case 3 -> Samples.sample(n, () -> -Math.log(1 - random.nextDouble()) * 2);
            case 4 -> Samples.uniform(random, n, -8, -2);
            default -> Samples.sample(n, () -> random.nextGaussian() + (random.nextBoolean() ? 6 : -3));
        };
    }

    private static float[] withOutliers(Random random, float[] values) {
        for (int i = 0; i < 3; i++) {
            values[random.nextInt(values.length)] = (float) (random.nextBoolean() ? 1 : -1) * (50 + 500 * random.nextFloat());
        }
        return values;
    }

    @Test
    void greedyClipsAFewHugeOutliersAmongManyValues() {
        Random random = new Random(7);
        Histogram histogram = new Histogram();
        for (int batch = 0; batch < 10; batch++) {
            histogram.record(Samples.sample(1_000_000, () -> Math.abs(random.nextGaussian()))); // ReLU-like
        }
        histogram.record(new float[] {1000f, 1000f, 1000f});

        RangeSearch.Result greedy = RangeSearch.search(histogram, RangeMethod.GREEDY);

        // Rounding of 1e7 values balances saturation of 3 outliers near 1000 * 3 / (3 + 1e7 / (12 * 255^2)) = 190.
        assertThat(greedy.clipMax()).isBetween(180.0, 200.0);
        assertThat(greedy.loss()).isLessThan(greedy.minMaxLoss() / 4);
        assertThat(greedy.quantizer().quantize(1000f)).isEqualTo(255);
    }

    @Test
    void greedyStopsWhereRoundingAndSaturationLossesBalance() {
        // All values in [0, 1) pay rounding; the one outlier at 1000 pays saturation. The loss
        // n R^2 / (12 * 255^2) + (c - R)^2 (c: the outlier's bin center) is least at R = c / (1 + n / (12 * 255^2)).
        int n = 1_000_000;
        Histogram histogram = new Histogram();
        histogram.record(Samples.uniform(new Random(3), n, 0, 1));
        histogram.record(new float[] {1000f});
        double outlierCenter = histogram.binCenters()[histogram.bins() - 1];

        RangeSearch.Result greedy = RangeSearch.search(histogram, RangeMethod.GREEDY);

        double best = outlierCenter / (1 + n / ROUNDING_DIVISOR);
        assertThat(greedy.clipMin()).isZero();
        assertThat(greedy.clipMax()).isCloseTo(best, within(histogram.binWidth()));
        assertThat(best / 1000).isCloseTo(0.438, within(0.001)); // a visible cut even with 1e6 values
    }

    @Test
    void greedyStaysNearTheFullRangeOfAUniformDistribution() {
        Histogram histogram = new Histogram();
        histogram.record(Samples.uniform(new Random(5), 1_000_000, -1, 3));

        RangeSearch.Result greedy = RangeSearch.search(histogram, RangeMethod.GREEDY);

        assertThat(greedy.clipMin()).isCloseTo(-1.0, within(0.02));
        assertThat(greedy.clipMax()).isCloseTo(3.0, within(0.02));
        assertThat(greedy.loss()).isCloseTo(greedy.minMaxLoss(), within(greedy.minMaxLoss() * 0.02));
    }

    @Test
    void aHistogramOfOneValueGetsARangeFromZeroToIt() {
        Histogram histogram = new Histogram();
        histogram.record(new float[] {-2f, -2f});

        RangeSearch.Result greedy = RangeSearch.search(histogram, RangeMethod.GREEDY);

        assertThat(greedy.clipMin()).isEqualTo(-2.0);
        assertThat(greedy.clipMax()).isZero();
        assertThat(greedy.quantizer().fakeQuantize(-2f)).isCloseTo(-2f, within(1e-6f));
    }

    @Test
    void refusesAnEmptyHistogram() {
        assertThatThrownBy(() -> RangeSearch.search(new Histogram(), RangeMethod.GREEDY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
