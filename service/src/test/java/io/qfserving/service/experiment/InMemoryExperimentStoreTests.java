package io.qfserving.service.experiment;

import static org.awaitility.Awaitility.await;

import io.qfserving.service.testing.MutableClock;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The single-instance store against the contract; its "other replica" is itself. */
class InMemoryExperimentStoreTests extends ExperimentStoreContract {

    private final MutableClock clock = new MutableClock();

    @Override
    protected ExperimentStore createStore() {
        return new InMemoryExperimentStore(1000, TTL, clock);
    }

    @Override
    protected ExperimentStore peer() {
        return store;
    }

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void beyondItsBoundPredictionsAreEvicted() {
        ExperimentStore small = new InMemoryExperimentStore(10, TTL, clock);
        PendingPrediction served = new PendingPrediction(
                new PendingPrediction.ServedBy("m", "1", "qf", "int8", "onnxruntime"), "http", null, new int[] {0});
        for (int i = 0; i < 1000; i++) {
            small.served("request-" + i, served, Duration.ofMillis(5));
        }

        // Caffeine evicts in batches on the writing threads, soon after the bound is passed.
        await().until(() -> IntStream.range(0, 1000).filter(i -> small.prediction("request-" + i).isPresent()).count() <= 10);
    }
}
