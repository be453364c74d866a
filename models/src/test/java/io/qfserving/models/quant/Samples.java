package io.qfserving.models.quant;

import java.util.Random;
import java.util.function.DoubleSupplier;

/** Reproducible random tensors for the quantization tests. */
final class Samples {

    private Samples() {}

    static float[] gaussian(Random random, int n, double mean, double stddev) {
        return sample(n, () -> mean + stddev * random.nextGaussian());
    }

    static float[] uniform(Random random, int n, double min, double max) {
        return sample(n, () -> min + (max - min) * random.nextDouble());
    }

    static float[] sample(int n, DoubleSupplier value) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) value.getAsDouble();
        }
        return values;
    }

    static double mean(float[]... batches) {
        double sum = 0;
        long n = 0;
        for (float[] batch : batches) {
            for (float value : batch) {
                sum += value;
            }
            n += batch.length;
        }
        return sum / n;
    }
}
