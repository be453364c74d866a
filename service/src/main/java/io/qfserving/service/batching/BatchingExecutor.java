package io.qfserving.service.batching;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * One model's batching loop: requests go into a {@link BatchQueue}; worker threads (one per engine
 * instance, as Triton's instance count) each take the next due batch, run {@code handler} on all its
 * inputs at once and complete every request with its own output and timings. With more than one
 * worker a batch fills and runs while another is still running, so the cores that preprocess for
 * one batch are not left idle while it runs. When a batch fails, its requests are retried one by
 * one, so one bad input fails only its own request and never its batch-mates. {@link #close()}
 * stops admission and returns once everything accepted has completed.
 */
public final class BatchingExecutor<I, O> implements AutoCloseable {

    /** A request's output, how long it queued, how long its batch ran, and that batch's size. */
    public record Outcome<O>(O output, Duration queued, Duration ran, int batchSize) {}

    private final BatchQueue<I, Outcome<O>> queue;
    private final Function<List<I>, List<O>> handler;
    private final IntConsumer batchSizes;
    private final Clock clock;
    private final List<Thread> workers;

    /**
     * @param workers batches that may run at once; {@code handler} must be thread-safe when above 1
     * @param handler maps a batch of inputs to one output per input, in order
     * @param batchSizes told the size of every batch run (for metrics)
     */
    public BatchingExecutor(String name, BatchQueue.Settings settings, int workers, Clock clock,
            Function<List<I>, List<O>> handler, IntConsumer batchSizes) {
        if (workers < 1) {
            throw new IllegalArgumentException("need at least one worker, got " + workers);
        }
        this.queue = new BatchQueue<>(settings, clock);
        this.handler = handler;
        this.batchSizes = batchSizes;
        this.clock = clock;
        this.workers = IntStream.range(0, workers)
                .mapToObj(i -> Thread.ofPlatform().name("batcher-" + name + "-" + i).daemon().start(this::loop))
                .toList();
    }

    public BatchingExecutor(String name, BatchQueue.Settings settings, Clock clock, Function<List<I>, List<O>> handler,
            IntConsumer batchSizes) {
        this(name, settings, 1, clock, handler, batchSizes);
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
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
