package io.qfserving.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

class HistogramTests {

    private final Random random = new Random(42);

    @Test
    void countsSumToTheValuesRecordedAndMinMaxAreExact() {
        Histogram histogram = new Histogram();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int batch = 0; batch < 5; batch++) {
            float[] values = Samples.gaussian(random, 200_000, batch * 3 - 6, batch + 1);
            histogram.record(values);
            for (float value : values) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }

        assertThat(histogram.count()).isEqualTo(1_000_000);
        assertThat(Arrays.stream(histogram.counts()).sum()).isEqualTo(1_000_000);
        assertThat(histogram.min()).isEqualTo(min);
        assertThat(histogram.max()).isEqualTo(max);
        assertThat(histogram.binEdges()[0]).isLessThanOrEqualTo(min);
        assertThat(histogram.binEdges()[histogram.bins()]).isGreaterThanOrEqualTo(max);
    }

    @Test
    void growingMergesWholeBinsSoEarlierCountsStayInPlace() {
        Histogram histogram = new Histogram();
        float[] narrow = Samples.uniform(random, 100_000, 0, 1);
        narrow[0] = 0f;
        narrow[1] = 1f;
        float[] far = Samples.uniform(random, 50_000, 10, 11);
        far[0] = 11f;
        histogram.record(narrow);
        double narrowWidth = histogram.binWidth();
        histogram.record(far);

        assertThat(histogram.binWidth() / narrowWidth).isEqualTo(11); // [0, 11] in bins of 11 old ones
        assertThat(countWhereCenter(histogram, c -> c < 5)).isEqualTo(100_000);
        assertThat(countWhereCenter(histogram, c -> c > 5)).isEqualTo(50_000);
    }

    @Test
    void meanFromBinsStaysWithinHalfABinOfTheTrueMeanAcrossGrowth() {
        Histogram histogram = new Histogram();
        float[][] batches = {
                Samples.uniform(random, 300_000, 0, 1),
                Samples.gaussian(random, 300_000, 5, 2),
                Samples.gaussian(random, 300_000, -20, 1),
        };
        for (float[] batch : batches) {
            histogram.record(batch);
        }

        double[] centers = histogram.binCenters();
        long[] counts = histogram.counts();
        double sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += counts[i] * centers[i];
        }
        assertThat(sum / histogram.count())
                .isCloseTo(Samples.mean(batches), within(histogram.binWidth() / 2 + 1e-9));
    }

    @Test
    void identicalValuesKeepWidthZeroUntilASecondValueSetsTheRange() {
        Histogram histogram = new Histogram();
        histogram.record(new float[] {3f, 3f, 3f});

        assertThat(histogram.binWidth()).isZero();
        assertThat(histogram.counts()[0]).isEqualTo(3);

        histogram.record(new float[] {-1f, 7f});

        double[] edges = histogram.binEdges();
        long[] counts = histogram.counts();
        assertThat(edges[0]).isEqualTo(-1.0);
        assertThat(edges[histogram.bins()]).isEqualTo(7.0);
        assertThat(counts[0]).isEqualTo(1);
        assertThat(counts[1024]).isEqualTo(3); // 3 sits at (3 + 1) / 8 of 2048 bins
        assertThat(counts[2047]).isEqualTo(1);
        assertThat(Arrays.stream(counts).sum()).isEqualTo(5);
    }

    @Test
    void reachingTheSameExtremesAgainDoesNotGrowTheRange() {
        Histogram histogram = new Histogram();
        float[] relu6 = Samples.uniform(random, 10_000, 0, 6);
        relu6[0] = 0f;
        relu6[1] = 6f;
        histogram.record(relu6);
        double width = histogram.binWidth();
        histogram.record(relu6);

        assertThat(histogram.binWidth()).isEqualTo(width);
        assertThat(histogram.counts()[histogram.bins() - 1]).isGreaterThanOrEqualTo(2);
    }

    @Test
    void centersAreTheMidpointsOfTheEdges() {
        Histogram histogram = new Histogram(10);
        histogram.record(new float[] {-2f, 3f});

        double[] edges = histogram.binEdges();
        double[] centers = histogram.binCenters();
        assertThat(edges).hasSize(11);
        assertThat(centers).hasSize(10);
        assertThat(histogram.binWidth()).isCloseTo(0.5, within(1e-12));
        for (int i = 0; i < centers.length; i++) {
            assertThat(centers[i]).isCloseTo((edges[i] + edges[i + 1]) / 2, within(1e-12));
        }
        assertThat(histogram.counts()).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void rejectsNonFiniteValuesWithoutRecordingTheBatch() {
        Histogram histogram = new Histogram();

        assertThatThrownBy(() -> histogram.record(new float[] {1f, Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(histogram.count()).isZero();
    }

    private static long countWhereCenter(Histogram histogram, DoublePredicate where) {
        double[] centers = histogram.binCenters();
        long[] counts = histogram.counts();
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (where.test(centers[i])) {
                total += counts[i];
            }
        }
        return total;
    }
}
