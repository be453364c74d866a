package io.qfserving.service.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The worker loop on real threads: outputs reach their own callers, failures stay in their batch. */
class BatchingExecutorTests {

    private static final BatchQueue.Settings SETTINGS = new BatchQueue.Settings(4, Duration.ofMillis(20), 64);

    @Test
    void everyCallerGetsItsOwnOutputAndConcurrentRequestsShareBatches() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("square", SETTINGS, Clock.systemUTC(), inputs -> {
            batchSizes.add(inputs.size());
            firstBatchRunning.countDown();
            await(release);
            return inputs.stream().map(x -> x * x).toList();
        })) {
            List<CompletableFuture<BatchingExecutor.Outcome<Integer>>> results = new ArrayList<>();
            results.add(executor.submit(0, null));
            assertThat(firstBatchRunning.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < 9; i++) {
                results.add(executor.submit(i, null));
            }
            release.countDown();
            for (int i = 0; i < results.size(); i++) {
                BatchingExecutor.Outcome<Integer> outcome = results.get(i).get(5, TimeUnit.SECONDS);
                assertThat(outcome.output()).isEqualTo(i * i);
                assertThat(outcome.batchSize()).isBetween(1, 4);
            }
            assertThat(batchSizes).first().isEqualTo(1);
            assertThat(batchSizes.subList(1, batchSizes.size())).as("queued while the first ran").contains(4);
        }
    }

    @Test
    void aFailingBatchFailsOnlyItsOwnRequests() throws Exception {
        try (BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("picky", SETTINGS, Clock.systemUTC(), inputs -> {
            if (inputs.contains(-1)) {
                throw new IllegalArgumentException("negative input");
            }
            return inputs;
        })) {
            CompletableFuture<BatchingExecutor.Outcome<Integer>> bad = executor.submit(-1, null);
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(executor.submit(7, null).get(5, TimeUnit.SECONDS).output()).isEqualTo(7);
        }
    }

    @Test
    void aBadInputInASharedBatchFailsOnlyItsOwnRequest() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("shared", SETTINGS, Clock.systemUTC(), inputs -> {
            firstBatchRunning.countDown();
            await(release);
            if (inputs.contains(-1)) {
                throw new IllegalArgumentException("negative input");
            }
            return inputs;
        }, batchSizes::add)) {
            CompletableFuture<BatchingExecutor.Outcome<Integer>> first = executor.submit(0, null);
            assertThat(firstBatchRunning.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<BatchingExecutor.Outcome<Integer>>> mates = executor.submitAll(List.of(1, -1, 2, 3), null);
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).output()).isZero();
            assertThatThrownBy(() -> mates.get(1).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(List.of(mates.get(0), mates.get(2), mates.get(3)))
                    .allSatisfy(f -> assertThat(f.get(5, TimeUnit.SECONDS)).isNotNull());
            assertThat(batchSizes).as("the batch of four failed, then ran one by one").containsExactly(1, 1, 1, 1);
        }
    }

    @Test
    void closeFinishesEveryAcceptedRequest() throws Exception {
        List<CompletableFuture<BatchingExecutor.Outcome<Integer>>> results = new ArrayList<>();
        BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("slow", SETTINGS, Clock.systemUTC(), inputs -> {
            sleep(5);
            return inputs;
        });
        for (int i = 0; i < 20; i++) {
            results.add(executor.submit(i, null));
        }
        executor.close();
        for (CompletableFuture<BatchingExecutor.Outcome<Integer>> r : results) {
            assertThat(r).isCompleted();
            assertThat(r.get().output()).isNotNull();
        }
        assertThatThrownBy(() -> executor.submit(99, null)).isInstanceOf(QueueClosedException.class);
    }

    @Test
    void twoWorkersRunTwoBatchesAtOnce() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        BatchQueue.Settings oneImageBatches = new BatchQueue.Settings(1, Duration.ZERO, 64);
        try (BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("pair", oneImageBatches, 2, Clock.systemUTC(), inputs -> {
            bothRunning.countDown();
            // Returns only once the other worker's batch is running too: one worker alone would wait here in vain.
            assertThat(await(bothRunning)).as("a second batch ran while this one was running").isTrue();
            return inputs;
        }, size -> {})) {
            CompletableFuture<BatchingExecutor.Outcome<Integer>> first = executor.submit(1, null);
            CompletableFuture<BatchingExecutor.Outcome<Integer>> second = executor.submit(2, null);
            assertThat(first.get(10, TimeUnit.SECONDS).output()).isEqualTo(1);
            assertThat(second.get(10, TimeUnit.SECONDS).output()).isEqualTo(2);
        }
    }

    @Test
    void oneWorkerRunsOneBatchAtATime() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<CompletableFuture<BatchingExecutor.Outcome<Integer>>> results = new ArrayList<>();
        try (BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("single", SETTINGS, Clock.systemUTC(), inputs -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(2);
            running.decrementAndGet();
            return inputs;
        })) {
            for (int i = 0; i < 20; i++) {
                results.add(executor.submit(i, null));
            }
            for (CompletableFuture<BatchingExecutor.Outcome<Integer>> r : results) {
                r.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(mostAtOnce).hasValue(1);
    }

    @Test
    void closeWithSeveralWorkersFinishesEveryAcceptedRequest() throws Exception {
        List<CompletableFuture<BatchingExecutor.Outcome<Integer>>> results = new ArrayList<>();
        BatchingExecutor<Integer, Integer> executor = new BatchingExecutor<>("slow-trio", SETTINGS, 3, Clock.systemUTC(), inputs -> {
            sleep(5);
            return inputs;
        }, size -> {});
        for (int i = 0; i < 40; i++) {
            results.add(executor.submit(i, null));
        }
        executor.close();
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i)).isCompleted();
            assertThat(results.get(i).get().output()).isEqualTo(i);
        }
    }

    @Test
    void needsAtLeastOneWorker() {
        assertThatThrownBy(
                () -> new BatchingExecutor<Integer, Integer>("none", SETTINGS, 0, Clock.systemUTC(), inputs -> inputs, size -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
