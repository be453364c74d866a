package io.qfserving.models.tf;

import io.qfserving.runtime.arch.Layers;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The parameter-free operations, shared by the trainable and the folded TensorFlow backends. */
abstract class TensorFlowLayers implements Layers<Operand<TFloat32>> {

    /** BatchNorm epsilon, the Keras default, used for training and for folding alike. */
    static final float BATCH_NORM_EPSILON = 1e-3f;

    protected final Ops tf;

    TensorFlowLayers(Ops tf) {
        this.tf = tf;
    }

    @Override
    public Operand<TFloat32> relu(Operand<TFloat32> x) {
        return tf.nn.relu(x);
    }

    @Override
    public Operand<TFloat32> relu6(Operand<TFloat32> x) {
        return tf.nn.relu6(x);
    }

    @Override
    public Operand<TFloat32> hardSigmoid(Operand<TFloat32> x) {
        return tf.math.mul(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(1f / 6));
    }

    @Override
    public Operand<TFloat32> hardSwish(Operand<TFloat32> x) {
        return tf.math.mul(x, hardSigmoid(x));
    }

    @Override
    public Operand<TFloat32> scaleChannels(Operand<TFloat32> x, Operand<TFloat32> scales) {
        return tf.math.mul(x, tf.reshape(scales, tf.constant(new long[] {-1, 1, 1, channels(scales)})));
    }

    @Override
    public Operand<TFloat32> add(Operand<TFloat32> a, Operand<TFloat32> b) {
        return tf.math.add(a, b);
    }

    @Override
    public Operand<TFloat32> globalAveragePool(Operand<TFloat32> x) {
        return tf.math.mean(x, tf.constant(new int[] {1, 2}));
    }

    @Override
    public int channels(Operand<TFloat32> x) {
        return Math.toIntExact(x.shape().get(x.shape().numDimensions() - 1));
    }

    static List<Long> strides(int stride) {
        return List.of(1L, (long) stride, (long) stride, 1L);
    }
}
