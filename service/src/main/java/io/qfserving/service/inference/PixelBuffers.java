package io.qfserving.service.inference;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Arrays for decoded images, given back once their inference no longer needs them and taken again
 * by later requests: a 128x128 image is 196 KB of floats, 40% of the heap a classify call allocated
 * (docs/benchmarks.md). An array never given back is simply collected. An array may be given back
 * only when nothing reads it any more: see {@link Inference#release}.
 */
final class PixelBuffers {

    /** Spare arrays kept per image size (12 MB at 128x128), enough for the requests a server has in progress. */
    private static final int SPARE_PER_SIZE = 64;

    private final Map<Integer, Queue<float[]>> spare = new ConcurrentHashMap<>();

    /** An array of {@code length} floats, with whatever values its last use left. */
    float[] take(int length) {
        Queue<float[]> arrays = spare.get(length);
        float[] reused = arrays == null ? null : arrays.poll();
        return reused != null ? reused : new float[length];
    }

    void giveBack(List<float[]> arrays) {
        for (float[] array : arrays) {
            spare.computeIfAbsent(array.length, length -> new ArrayBlockingQueue<>(SPARE_PER_SIZE)).offer(array);
        }
    }
}
