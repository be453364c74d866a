package io.qfserving.models.quant;

import java.util.Arrays;

/**
 * Symmetric int8 quantization of conv and dense kernels, with int32 biases on the matching scale.
 *
 * <p>Per-channel scales matter for MobileNet: depthwise kernels' output channels differ in magnitude
 * by orders, so one per-tensor scale leaves the small channels with only a few levels. Kernels are
 * row-major with the output channel last ([kh, kw, in, out] for conv; [kh, kw, channels, 1] for
 * depthwise, whose trailing axis has size 1), so weight {@code i} is in channel {@code i % channels}.
 */
public final class WeightQuantizer {

    private WeightQuantizer() {}

    /** One scale for the whole kernel: its largest |weight| maps to 127. */
    public static QuantizedTensor perTensor(float[] weights) {
        return perChannel(weights, 1);
    }

    /** One scale per output channel: each channel's largest |weight| maps to ±127. */
    public static QuantizedTensor perChannel(float[] weights, int channels) {
        if (channels < 1 || weights.length % channels != 0) {
            throw new IllegalArgumentException(weights.length + " weights do not split into " + channels + " channels");
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < weights.length; i++) {
            maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(weights[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = LinearQuantizer.fromRange(-maxAbs[c], maxAbs[c], QuantType.INT8).scale();
        }
        return quantize(weights, QuantType.INT8, scales);
    }

    /**
     * The int32 bias of a layer whose input has {@code inputScale} and whose weights are
     * {@code weights}: bias channel c gets scale inputScale * weightScale[c] and zero point 0, the
     * scale of the int32 accumulator it is added to, as ONNX QLinearConv and QDQ graphs expect.
     */
    public static QuantizedTensor bias(float[] bias, float inputScale, QuantizedTensor weights) {
        if (weights.channels() != 1 && weights.channels() != bias.length) {
            throw new IllegalArgumentException(bias.length + " biases for " + weights.channels() + " weight channels");
        }
        float[] scales = new float[weights.channels()];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = inputScale * weights.scales()[c];
        }
        return quantize(bias, QuantType.INT32, scales);
    }

    private static QuantizedTensor quantize(float[] reals, QuantType type, float[] scales) {
        QuantizedTensor tensor = new QuantizedTensor(type, scales, new int[reals.length]);
        LinearQuantizer[] quantizers = new LinearQuantizer[scales.length];
        Arrays.setAll(quantizers, tensor::quantizer);
        for (int i = 0; i < reals.length; i++) {
            tensor.values()[i] = quantizers[i % scales.length].quantize(reals[i]);
        }
        return tensor;
    }
}
