package io.qfserving.service.experiment.web;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs a task at a fixed delay while started, and other work handed to it in
 * between, one thing at a time. It may be started again after a stop, as a paused test context is.
 */
final class PeriodicWork implements AutoCloseable {

    private final ScheduledExecutorService thread;
    private final Runnable task;
    private final Duration firstDelay;
    private final Duration delay;
    private ScheduledFuture<?> scheduled;

    PeriodicWork(String threadName, Runnable task, Duration firstDelay, Duration delay) {
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
        this.task = task;
        this.firstDelay = firstDelay;
        this.delay = delay;
    }

    /** Runs {@code work} once, on the same thread, after what is already queued. */
    void execute(Runnable work) {
        thread.execute(work);
    }

    synchronized void start() {
        scheduled = thread.scheduleWithFixedDelay(task, firstDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        scheduled.cancel(false);
        scheduled = null;
    }

    synchronized boolean isRunning() {
        return scheduled != null;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
