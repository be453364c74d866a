package io.qfserving.models.tf;

import io.qfserving.models.tf.ParameterStore.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/**
 * Layers backed by variables in a {@link ParameterStore}. In training mode BatchNorm normalizes with
 * batch statistics and records the moving-average updates ({@link #updates()}) that the training
 * step must run; in inference mode it uses the moving statistics. Weights start from a seeded He
 * initialization so that a fixed seed reproduces a run.
 */
public final class VariableLayers extends TensorFlowLayers {

    /** Moving-average momentum of BatchNorm statistics. */
    static final float BATCH_NORM_MOMENTUM = 0.99f;

    private final ParameterStore store;
    private final boolean training;
    private final Random random;
    private final List<Op> updates = new ArrayList<>();

    private VariableLayers(Ops tf, ParameterStore store, boolean training, long seed) {
        super(tf);
        this.store = store;
        this.training = training;
        this.random = new Random(seed);
    }

    public static VariableLayers training(Ops tf, ParameterStore store, long seed) {
        return new VariableLayers(tf, store, true, seed);
    }

    /** Inference over the same store; creates (uninitialized) variables only if the store is empty. */
    public static VariableLayers inference(Ops tf, ParameterStore store) {
        return new VariableLayers(tf, store, false, 0L);
    }

    /** BatchNorm moving-average updates created by a training build. */
    public List<Op> updates() {
        return List.copyOf(updates);
    }

    @Override
    public Operand<TFloat32> conv(String name, Operand<TFloat32> x, int kernel, int filters, int stride, boolean batchNorm) {
        int in = channels(x);
        Variable<TFloat32> w = store.variable(name + "/weights", Kind.CONV_WEIGHT,
                Shape.of(kernel, kernel, in, filters), () -> heNormal(kernel * kernel * in, kernel * kernel * in * filters));
        Operand<TFloat32> y = tf.nn.conv2d(x, w, strides(stride), "SAME");
        return batchNorm ? batchNorm(name + "/bn", y) : y;
    }

    @Override
    public Operand<TFloat32> depthwise(String name, Operand<TFloat32> x, int kernel, int stride, boolean batchNorm) {
        int in = channels(x);
        int area = kernel * kernel;
        Variable<TFloat32> w = store.variable(name + "/weights", Kind.DEPTHWISE_WEIGHT,
                Shape.of(kernel, kernel, in, 1), () -> heNormal(area, area * in));
        Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, w, strides(stride), "SAME");
        return batchNorm ? batchNorm(name + "/bn", y) : y;
    }

    @Override
    public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int units) {
        int in = channels(x);
        Variable<TFloat32> w = store.variable(name + "/weights", Kind.DENSE_WEIGHT,
                Shape.of(in, units), () -> heNormal(in, in * units));
        Variable<TFloat32> b = store.variable(name + "/bias", Kind.BIAS, Shape.of(units), () -> filled(units, 0f));
        return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
    }

    private Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x) {
        int c = channels(x);
        Shape shape = Shape.of(c);
        Variable<TFloat32> gamma = store.variable(name + "/gamma", Kind.BN_GAMMA, shape, () -> filled(c, 1f));
        Variable<TFloat32> beta = store.variable(name + "/beta", Kind.BN_BETA, shape, () -> filled(c, 0f));
        Variable<TFloat32> mean = store.variable(name + "/moving_mean", Kind.BN_MOVING_MEAN, shape, () -> filled(c, 0f));
        Variable<TFloat32> variance =
                store.variable(name + "/moving_variance", Kind.BN_MOVING_VARIANCE, shape, () -> filled(c, 1f));
        if (!training) {
            return tf.nn.fusedBatchNorm(x, gamma, beta, mean, variance,
                    FusedBatchNorm.isTraining(false), FusedBatchNorm.epsilon(BATCH_NORM_EPSILON)).y();
        }
        Operand<TFloat32> empty = tf.constant(new float[0]);
        FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(x, gamma, beta, empty, empty,
                FusedBatchNorm.isTraining(true), FusedBatchNorm.epsilon(BATCH_NORM_EPSILON));
        updates.add(movingAverage(mean, bn.batchMean()));
        updates.add(movingAverage(variance, bn.batchVariance()));
        return bn.y();
    }

    private Op movingAverage(Variable<TFloat32> average, Operand<TFloat32> batchValue) {
        Operand<TFloat32> delta = tf.math.mul(tf.math.sub(average, batchValue), tf.constant(1f - BATCH_NORM_MOMENTUM));
        return tf.assignSub(average, delta);
    }

    /** He-normal values truncated at two standard deviations. */
    private float[] heNormal(int fanIn, int count) {
        double std = Math.sqrt(2.0 / fanIn);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            double g;
            do {
                g = random.nextGaussian();
            } while (Math.abs(g) > 2);
            values[i] = (float) (g * std);
        }
        return values;
    }

    private static float[] filled(int count, float value) {
        float[] values = new float[count];
        Arrays.fill(values, value);
        return values;
    }
}
