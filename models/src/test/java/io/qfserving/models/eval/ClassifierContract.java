package io.qfserving.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.tf.RandomModels;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Scores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every engine must do, run by each engine's test class on the same small network: one row per
 * image in order, batching that does not change results, bad input refused before native code,
 * concurrent calls, and a close that waits for calls in flight and refuses later ones.
 */
abstract class ClassifierContract {

    static final ModelSpec SPEC = new ModelSpec(Architecture.MOBILENET_V2, Variant.QF, 0.5, 32, 10);
    static final Map<String, TensorValue> TRAINED = RandomModels.trainedValues(SPEC, 21);

    @TempDir
    Path dir;

    /** Opens {@link #SPEC} with {@link #TRAINED} values on the engine under test. */
    abstract Classifier open(Path dir) throws Exception;

    private final List<float[]> images = RandomModels.images(5, SPEC.resolution(), new Random(8));

    @Test
    void returnsOneProbabilityRowPerImageInOrderAndBatchingChangesNothing() throws Exception {
        try (Classifier classifier = open(dir)) {
            float[][] batch = classifier.probabilities(images);
            assertThat(batch).hasNumberOfRows(images.size());
            for (int i = 0; i < images.size(); i++) {
                assertThat(sum(batch[i])).isCloseTo(1.0, within(1e-4));
                assertThat(batch[i]).containsExactly(classifier.probabilities(List.of(images.get(i)))[0], within(1e-5f));
            }
            assertThat(batch[0]).isNotEqualTo(batch[1]);
        }
    }

    @Test
    void logitsAreTheProbabilitiesBeforeSoftmax() throws Exception {
        try (Classifier classifier = open(dir)) {
            Scores scores = classifier.scores(images);
            assertThat(scores.rows()).isEqualTo(images.size());
            for (int i = 0; i < images.size(); i++) {
                float[] logits = scores.logits()[i];
                double max = Double.NEGATIVE_INFINITY;
                for (float l : logits) {
                    max = Math.max(max, l);
                }
                double norm = 0;
                for (float l : logits) {
                    norm += Math.exp(l - max);
                }
                for (int c = 0; c < logits.length; c++) {
                    assertThat(scores.probabilities()[i][c]).isCloseTo((float) (Math.exp(logits[c] - max) / norm), within(1e-5f));
                }
            }
        }
    }

    @Test
    void refusesMalformedBatchesAndKeepsWorking() throws Exception {
        try (Classifier classifier = open(dir)) {
            assertThatThrownBy(() -> classifier.probabilities(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> classifier.probabilities(List.of(new float[7]))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("32x32x3");
            assertThat(classifier.probabilities(images.subList(0, 1))).hasNumberOfRows(1);
        }
    }

    @Test
    void concurrentCallsGetTheSameResultsAsSequentialOnes() throws Exception {
        try (Classifier classifier = open(dir); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            float[][] expected = classifier.probabilities(images);
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < images.size(); i++) {
                    int index = i;
                    results.add(pool.submit(() -> classifier.probabilities(List.of(images.get(index)))[0]));
                }
            }
            for (int r = 0; r < results.size(); r++) {
                assertThat(results.get(r).get()).containsExactly(expected[r % images.size()], within(1e-5f));
            }
        }
    }

    @Test
    void aClosedClassifierRefusesCalls() throws Exception {
        Classifier classifier = open(dir);
        classifier.close();
        classifier.close();
        assertThatThrownBy(() -> classifier.probabilities(images)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingDuringCallsWaitsForThemAndRefusesTheCallsAfter() throws Exception {
        Classifier classifier = open(dir);
        float[][] expected = classifier.probabilities(images);
        CountDownLatch calling = new CountDownLatch(2);
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (ExecutorService callers = Executors.newFixedThreadPool(2)) {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                loops.add(callers.submit(() -> {
                    while (true) {
                        float[][] rows;
                        try {
                            rows = classifier.probabilities(images);
                        } catch (IllegalStateException refusal) {
                            // Refused by the close itself, never failed by an engine released under the call.
                            assertThat(refusal).hasMessage("the model is closed");
                            refused.incrementAndGet();
                            return null;
                        }
                        for (int i = 0; i < rows.length; i++) {
                            assertThat(rows[i]).containsExactly(expected[i], within(1e-5f));
                        }
                        completed.incrementAndGet();
                        calling.countDown();
                    }
                }));
            }
            calling.await();
            classifier.close();
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(completed).hasPositiveValue();
        assertThat(refused).as("each caller's first call after the close").hasValue(2);
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
