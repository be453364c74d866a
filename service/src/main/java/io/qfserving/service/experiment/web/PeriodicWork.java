package io.qfserving.service.experiment.web;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * A component with one daemon thread that runs {@link #runPeriodically()} at a fixed delay while the
 * context runs, and other work handed to it ({@link #execute}) in between, one thing at a time. It
 * may be started again after a stop, as a paused test context is.
 */
abstract class PeriodicWork implements SmartLifecycle, DisposableBean {

    private final ScheduledExecutorService thread;
    private final Duration firstDelay;
    private final Duration delay;
    private ScheduledFuture<?> scheduled;

    PeriodicWork(String threadName, Duration firstDelay, Duration delay) {
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
        this.firstDelay = firstDelay;
        this.delay = delay;
    }

    /** The work done every delay. */
    abstract void runPeriodically();

    /** Runs {@code work} once, on the same thread, after what is already queued. */
    final void execute(Runnable work) {
        thread.execute(work);
    }

    @Override
    public final synchronized void start() {
        scheduled = thread.scheduleWithFixedDelay(this::runPeriodically, firstDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public final synchronized void stop() {
        scheduled.cancel(false);
        scheduled = null;
    }

    @Override
    public final synchronized boolean isRunning() {
        return scheduled != null;
    }

    @Override
    public final void destroy() {
        thread.shutdownNow();
    }
}
