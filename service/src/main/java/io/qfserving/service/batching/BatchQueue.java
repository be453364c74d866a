package io.qfserving.service.batching;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue that hands out batches: a batch is due when {@code maxBatchSize} requests wait, or
 * when the oldest has waited {@code maxQueueDelay}, or, once closed, whatever is left (so shutdown
 * finishes accepted work). Admission fails fast when the queue is full; a request whose deadline
 * passes while it waits is failed with {@link DeadlineExceededException} and never run.
 *
 * <p>All time comes from the injected {@link Clock}, so tests drive {@link #pollDue()} with a fake
 * clock; {@link #take()} is the blocking form a worker thread uses.
 *
 * @param <I> request input
 * @param <O> per-request result
 */
public final class BatchQueue<I, O> {

    public record Settings(int maxBatchSize, Duration maxQueueDelay, int capacity) {

        public Settings {
            if (maxBatchSize < 1 || capacity < maxBatchSize) {
                throw new IllegalArgumentException("need 1 <= maxBatchSize <= capacity, got " + maxBatchSize + " and " + capacity);
            }
            if (maxQueueDelay.isNegative()) {
                throw new IllegalArgumentException("maxQueueDelay must not be negative: " + maxQueueDelay);
            }
        }
    }

    /** A queued request: its input, when it arrived, its deadline (or null) and the future its caller holds. */
    public record Pending<I, O>(I input, Instant enqueued, Instant deadline, CompletableFuture<O> result) {}

    private final Settings settings;
    private final Clock clock;
    private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean closed;

    public BatchQueue(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Queues a request.
     *
     * @param deadline when the caller stops waiting, or null for none
     * @throws QueueFullException when {@code capacity} requests already wait
     * @throws QueueClosedException after {@link #close()}
     */
    public CompletableFuture<O> submit(I input, Instant deadline) {
        return submitAll(List.of(input), deadline).getFirst();
    }

    /**
     * Queues several requests that belong together (the images of one call): all are admitted, or
     * none, so a refused call leaves no orphaned work behind.
     */
    public List<CompletableFuture<O>> submitAll(List<I> inputs, Instant deadline) {
        lock.lock();
        try {
            if (closed) {
                throw new QueueClosedException();
            }
            if (queue.size() + inputs.size() > settings.capacity()) {
                throw new QueueFullException(settings.capacity());
            }
            Instant now = clock.instant();
            List<CompletableFuture<O>> results = new ArrayList<>(inputs.size());
            for (I input : inputs) {
                Pending<I, O> pending = new Pending<>(input, now, deadline, new CompletableFuture<>());
                queue.addLast(pending);
                results.add(pending.result());
            }
            changed.signalAll();
            return results;
        } finally {
            lock.unlock();
        }
    }

    /** The next batch if one is due now, else an empty list. Expired requests are failed on the way. */
    public List<Pending<I, O>> pollDue() {
        lock.lock();
        try {
            failExpired();
            return isDue() ? drainBatch() : List.of();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a batch is due and returns it; returns an empty list only once the queue is closed
     * and empty.
     */
    public List<Pending<I, O>> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                failExpired();
                if (isDue()) {
                    return drainBatch();
                }
                if (closed && queue.isEmpty()) {
                    return List.of();
                }
                if (queue.isEmpty()) {
                    changed.await();
                } else {
                    Duration wait = Duration.between(clock.instant(), queue.peekFirst().enqueued().plus(settings.maxQueueDelay()));
                    changed.await(Math.max(1, wait.toNanos()), TimeUnit.NANOSECONDS);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops admission; queued requests are still handed out. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public Settings settings() {
        return settings;
    }

    private boolean isDue() {
        if (queue.isEmpty()) {
            return false;
        }
        return closed || queue.size() >= settings.maxBatchSize()
                || !clock.instant().isBefore(queue.peekFirst().enqueued().plus(settings.maxQueueDelay()));
    }

    private List<Pending<I, O>> drainBatch() {
        List<Pending<I, O>> batch = new ArrayList<>(Math.min(queue.size(), settings.maxBatchSize()));
        while (!queue.isEmpty() && batch.size() < settings.maxBatchSize()) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    private void failExpired() {
        Instant now = clock.instant();
        queue.removeIf(p -> {
            boolean expired = p.deadline() != null && !now.isBefore(p.deadline());
            if (expired) {
                p.result().completeExceptionally(new DeadlineExceededException(Duration.between(p.enqueued(), now)));
            }
            return expired;
        });
    }
}
