package io.qfserving.models.quant;

/**
 * Integer values with one scale per channel (or a single scale for per-tensor quantization) and
 * zero point 0, as ONNX stores int8 weights and int32 biases. Value {@code i} belongs to channel
 * {@code i % channels()}: the channel is the last axis of a row-major tensor.
 *
 * <p>The arrays are shared, not copied, so that multi-million-weight layers are not duplicated; as
 * with any record holding arrays, {@code equals} compares them by reference.
 *
 * @param type INT8 for weights, INT32 for biases
 * @param scales one per channel, or a single one for the whole tensor
 * @param values the quantized values, in the original (row-major) order
 */
public record QuantizedTensor(QuantType type, float[] scales, int[] values) {

    public QuantizedTensor {
        if (scales.length == 0 || values.length % scales.length != 0) {
            throw new IllegalArgumentException(values.length + " values do not split into " + scales.length + " channels");
        }
    }

    public int channels() {
        return scales.length;
    }

    public LinearQuantizer quantizer(int channel) {
        return new LinearQuantizer(scales[channel], 0, type);
    }

    /** The real values the integers stand for, in the original order. */
    public float[] dequantize() {
        float[] reals = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            reals[i] = values[i] * scales[i % scales.length];
        }
        return reals;
    }
}
