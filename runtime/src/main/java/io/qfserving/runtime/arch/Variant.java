package io.qfserving.runtime.arch;

import java.util.Locale;

/**
 * Baseline MobileNet, or its quantization-friendly (QF) form after Sheng et al. (2018): no BatchNorm
 * and no activation between depthwise and pointwise convolutions, ReLU instead of ReLU6, and L2
 * regularization on depthwise weights at training time.
 */
public enum Variant {
    BASELINE,
    QF;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Variant fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
