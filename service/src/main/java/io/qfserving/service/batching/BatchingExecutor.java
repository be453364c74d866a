package io.qfserving.service.batching;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * One model's batching loop: requests go into a {@link BatchQueue}; one worker thread takes each due
 * batch, runs {@code handler} on all inputs at once and completes every request with its own output
 * and timings. When a batch fails, its requests are retried one by one, so one bad input fails only
 * its own request and never its batch-mates. {@link #close()} stops admission and returns once
 * everything accepted has completed.
 */
public final class BatchingExecutor<I, O> implements AutoCloseable {

    /** A request's output, how long it queued, how long its batch ran, and that batch's size. */
    public record Outcome<O>(O output, Duration queued, Duration ran, int batchSize) {}

    private final BatchQueue<I, Outcome<O>> queue;
    private final Function<List<I>, List<O>> handler;
    private final IntConsumer batchSizes;
    private final Clock clock;
    private final Thread worker;

    /**
     * @param handler maps a batch of inputs to one output per input, in order
     * @param batchSizes told the size of every batch run (for metrics)
     */
    public BatchingExecutor(String name, BatchQueue.Settings settings, Clock clock, Function<List<I>, List<O>> handler,
                            IntConsumer batchSizes) {
        this.queue = new BatchQueue<>(settings, clock);
        this.handler = handler;
        this.batchSizes = batchSizes;
        this.clock = clock;
        this.worker = Thread.ofPlatform().name("batcher-" + name).daemon().start(this::loop);
    }

    public BatchingExecutor(String name, BatchQueue.Settings settings, Clock clock, Function<List<I>, List<O>> handler) {
        this(name, settings, clock, handler, size -> {});
    }

    /** See {@link BatchQueue#submit}: fails fast with {@link QueueFullException}. */
    public CompletableFuture<Outcome<O>> submit(I input, Instant deadline) {
        return queue.submit(input, deadline);
    }

    /** See {@link BatchQueue#submitAll}: all inputs are admitted, or none. */
    public List<CompletableFuture<Outcome<O>>> submitAll(List<I> inputs, Instant deadline) {
        return queue.submitAll(inputs, deadline);
    }

    public int depth() {
        return queue.depth();
    }

    private void loop() {
        try {
            List<BatchQueue.Pending<I, Outcome<O>>> batch;
            while (!(batch = queue.take()).isEmpty()) {
                try {
                    run(batch);
                } catch (RuntimeException | Error e) {
                    if (batch.size() == 1) {
                        batch.getFirst().result().completeExceptionally(e);
                    } else {
                        runOneByOne(batch);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runOneByOne(List<BatchQueue.Pending<I, Outcome<O>>> batch) {
        for (BatchQueue.Pending<I, Outcome<O>> pending : batch) {
            try {
                run(List.of(pending));
            } catch (RuntimeException | Error e) {
                pending.result().completeExceptionally(e);
            }
        }
    }

    private void run(List<BatchQueue.Pending<I, Outcome<O>>> batch) {
        Instant start = clock.instant();
        List<O> outputs = handler.apply(batch.stream().map(BatchQueue.Pending::input).toList());
        if (outputs.size() != batch.size()) {
            throw new IllegalStateException(outputs.size() + " outputs for a batch of " + batch.size());
        }
        Duration ran = Duration.between(start, clock.instant());
        batchSizes.accept(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            BatchQueue.Pending<I, Outcome<O>> p = batch.get(i);
            p.result().complete(new Outcome<>(outputs.get(i), Duration.between(p.enqueued(), start), ran, batch.size()));
        }
    }

    @Override
    public void close() {
        queue.close();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
