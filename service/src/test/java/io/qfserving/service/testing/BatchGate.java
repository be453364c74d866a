package io.qfserving.service.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qfserving.service.repository.RepositoryListener;
import io.qfserving.service.repository.ServedModel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Holds the batching thread after each batch has run, before its results go out, while closed: the
 * requests of that batch stay in progress for as long as a test needs. A bean ({@code @Import} it).
 */
public final class BatchGate implements RepositoryListener {

    private final Semaphore open = new Semaphore(Integer.MAX_VALUE);
    private volatile CountDownLatch held = new CountDownLatch(1);

    public void close() throws InterruptedException {
        held = new CountDownLatch(1);
        open.acquire(Integer.MAX_VALUE);
    }

    public void awaitHeldBatch() throws InterruptedException {
        assertThat(held.await(10, TimeUnit.SECONDS)).as("a batch reached the gate").isTrue();
    }

    public void open() {
        open.release(Integer.MAX_VALUE - open.availablePermits());
    }

    @Override
    public void batchRan(ServedModel model, int size) {
        held.countDown();
        open.acquireUninterruptibly();
        open.release();
    }
}
