package io.qfserving.models.quant;

/**
 * An affine map between reals and an integer grid, {@code real = (q - zeroPoint) * scale}, with the
 * rounding and saturation of ONNX QuantizeLinear / DequantizeLinear, so values computed here match
 * what a runtime does with the exported scale and zero point.
 *
 * @param scale the step between adjacent levels (delta), positive
 * @param zeroPoint the level that represents 0.0 exactly; 0 for symmetric types
 * @param type the integer grid
 */
public record LinearQuantizer(float scale, int zeroPoint, QuantType type) {

    public LinearQuantizer {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite: " + scale);
        }
        if (zeroPoint < type.qmin() || zeroPoint > type.qmax()) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " outside " + type);
        }
        if (type.symmetric() && zeroPoint != 0) {
            throw new IllegalArgumentException(type + " is symmetric: zero point must be 0, got " + zeroPoint);
        }
    }

    /**
     * The quantizer covering [min, max], widened to contain 0 because zero padding, ReLU and bias-free
     * sums need an exact zero. Asymmetric types round the zero point to an integer (as ONNX requires),
     * which shifts the covered range by at most half a step; symmetric ones cover [-m, m] with
     * m = max(|min|, |max|). An all-zero range gets scale 1: every scale represents it exactly.
     */
    public static LinearQuantizer fromRange(float min, float max, QuantType type) {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("invalid range [" + min + ", " + max + "]");
        }
        double lo = Math.min(min, 0.0);
        double hi = Math.max(max, 0.0);
        if (type.symmetric()) {
            return new LinearQuantizer(positiveScale(Math.max(-lo, hi) / type.qmax()), 0, type);
        }
        float scale = positiveScale((hi - lo) / type.steps());
        long zeroPoint = Math.round(type.qmin() - lo / scale);
        return new LinearQuantizer(scale, Math.clamp(zeroPoint, type.qmin(), type.qmax()), type);
    }

    private static float positiveScale(double scale) {
        return scale > 0 ? (float) scale : 1f;
    }

    /** round(x / scale) + zeroPoint, rounding half to even and saturating to [qmin, qmax]. */
    public int quantize(float value) {
        double level = Math.rint(value / scale) + zeroPoint;
        return (int) Math.clamp(level, type.qmin(), type.qmax());
    }

    public float dequantize(int level) {
        return (level - zeroPoint) * scale;
    }

    /** The value a quantized model sees in place of {@code value}: rounding and clipping error included. */
    public float fakeQuantize(float value) {
        return dequantize(quantize(value));
    }
}
