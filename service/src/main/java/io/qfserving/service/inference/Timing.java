package io.qfserving.service.inference;

import java.time.Duration;

/**
 * Where a request's time went. For several images: preprocessing is their sum (they are decoded
 * one after another), queue and inference the longest of any image, total the wall time.
 */
public record Timing(Duration queue, Duration preprocess, Duration inference, Duration total) {

    public static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }
}
