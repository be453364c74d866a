package io.qfserving.runtime.engine;

import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What every engine shares: inputs checked before they reach native code, any number of concurrent
 * calls, and a {@link #close()} that waits for calls in flight before freeing native memory (freeing
 * it under a running call would crash the JVM) and refuses calls after it.
 */
public abstract class NativeClassifier implements Classifier {

    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final int height;
    private final int width;
    private boolean closed;

    protected NativeClassifier(int height, int width) {
        this.height = height;
        this.width = width;
    }

    @Override
    public final Scores scores(List<float[]> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        int expected = height * width * 3;
        for (float[] image : images) {
            if (image.length != expected) {
                throw new IllegalArgumentException("expected " + height + "x" + width + "x3 = " + expected
                        + " values per image, got " + image.length);
            }
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is closed");
            }
            return run(images);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    protected int height() {
        return height;
    }

    protected int width() {
        return width;
    }

    /** Runs a checked, non-empty batch of NHWC images. */
    protected abstract Scores run(List<float[]> images);

    /** Frees native resources; called once, with no call in flight. */
    protected abstract void release();

    @Override
    public final void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
