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

    /** Normalizes interleaved RGB pixels (..., r, g, b, ...) where they are. */
    public void applyInPlace(float[] rgb) {
        if (rgb.length % 3 != 0) {
            throw new IllegalArgumentException("RGB pixels come in threes, not " + rgb.length + " values");
        }
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (rgb[i] - mean[0]) / std[0];
            rgb[i + 1] = (rgb[i + 1] - mean[1]) / std[1];
            rgb[i + 2] = (rgb[i + 2] - mean[2]) / std[2];
        }
    }
}
