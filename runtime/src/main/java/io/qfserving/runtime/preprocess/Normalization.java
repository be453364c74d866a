package io.qfserving.runtime.preprocess;

/**
 * Per-channel (RGB) normalization applied after resizing: x' = (x - mean) / std on 0..255 pixels.
 * The default maps pixels to [-1, 1], as the MobileNet references do.
 */
public record Normalization(float[] mean, float[] std) {

    public static final Normalization MINUS_ONE_TO_ONE =
            new Normalization(new float[] {127.5f, 127.5f, 127.5f}, new float[] {127.5f, 127.5f, 127.5f});

    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need one value per RGB channel");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }
}
