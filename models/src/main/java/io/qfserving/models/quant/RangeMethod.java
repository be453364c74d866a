package io.qfserving.models.quant;

/** How {@link RangeSearch} picks an activation's clip range from its calibration histogram. */
public enum RangeMethod {
    /** The observed [min, max]: nothing saturates, but a few outliers can make every step coarse. */
    MIN_MAX,
    /**
     * Greedy shrinking of [min, max] bin by bin while the expected squared error (rounding plus
     * saturation) drops, as in the QF-MobileNet papers: trades clipping rare outliers for finer steps.
     */
    GREEDY
}
