package io.qfserving.models.train;

import io.qfserving.models.tf.ClassifierGraph;
import io.qfserving.models.tf.ParameterStore;
import io.qfserving.models.tf.ParameterStore.Parameter;
import io.qfserving.models.tf.VariableLayers;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.preprocess.Normalization;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * One graph holding both branches over shared variables. Training: uint8 images, crop boxes
 * (random resized crop and flip, done by CropAndResize), normalization, the network with
 * batch-statistics BatchNorm, label-smoothed cross entropy plus L2 penalties, gradients and Adam
 * (TensorFlow's ApplyAdam kernel; the learning rate and the bias-correction powers are fed each
 * step). Inference: the {@link ClassifierGraph} over the same variables with moving statistics.
 */
final class TrainingGraph {

    static final double ADAM_BETA1 = 0.9;
    static final double ADAM_BETA2 = 0.999;
    private static final float ADAM_EPSILON = 1e-7f;

    final Placeholder<TUint8> images;
    final Placeholder<TFloat32> boxes;
    final Placeholder<TInt32> boxIndices;
    final Placeholder<TInt32> labels;
    final Placeholder<TFloat32> learningRate;
    final Placeholder<TFloat32> beta1Power;
    final Placeholder<TFloat32> beta2Power;
    final Operand<TFloat32> loss;
    final Operand<TFloat32> accuracy;
    final List<Op> trainTargets = new ArrayList<>();
    final ClassifierGraph inference;
    final ParameterStore store;

    TrainingGraph(Graph graph, TrainConfig config, Normalization normalization) {
        ModelSpec spec = config.spec();
        Ops tf = Ops.create(graph);
        store = new ParameterStore(tf);
        Ops input = tf.withSubScope("input");
        images = input.withName("images").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
        boxes = input.withName("boxes").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
        boxIndices = input.withName("box_indices").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        labels = input.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        learningRate = input.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        beta1Power = input.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        beta2Power = input.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

        Operand<TFloat32> crops = tf.image.cropAndResize(images, boxes, boxIndices,
                tf.constant(new int[] {spec.resolution(), spec.resolution()}));
        Operand<TFloat32> x = tf.math.div(
                tf.math.sub(crops, tf.constant(normalization.mean())), tf.constant(normalization.std()));

        VariableLayers layers = VariableLayers.training(tf, store, config.seed());
        Operand<TFloat32> logits = spec.logits(layers, x);
        float smoothing = (float) config.labelSmoothing();
        Operand<TFloat32> targets = tf.oneHot(labels, tf.constant(spec.classes()),
                tf.constant(1f - smoothing + smoothing / spec.classes()), tf.constant(smoothing / spec.classes()));
        Operand<TFloat32> crossEntropy = tf.math.mean(
                tf.nn.softmaxCrossEntropyWithLogits(logits, targets).loss(), tf.constant(0));
        loss = tf.withName("loss").math.add(crossEntropy, penalty(tf, config));
        accuracy = tf.math.mean(tf.dtypes.cast(tf.math.equal(
                tf.math.argMax(logits, tf.constant(1), TInt32.class), labels), TFloat32.class), tf.constant(0));

        List<Parameter> trainable = store.trainable();
        Gradients gradients = tf.gradients(loss, trainable.stream().map(Parameter::variable).toList());
        // Variables are updated in place, and backprop reads weights by reference: every gradient
        // must be complete before any update runs (TF1's GATE_GRAPH), or a layer's input gradient
        // may be computed with already-updated weights, nondeterministically.
        List<Op> allGradients = new ArrayList<>();
        for (int i = 0; i < trainable.size(); i++) {
            allGradients.add(tf.identity(gradients.<TFloat32>dy(i)));
        }
        Ops adam = tf.withSubScope("adam");
        Ops gated = adam.withControlDependencies(allGradients);
        for (int i = 0; i < trainable.size(); i++) {
            Variable<TFloat32> variable = trainable.get(i).variable();
            Output<TFloat32> gradient = gradients.dy(i);
            trainTargets.add(gated.train.applyAdam(variable, zerosLike(adam, variable), zerosLike(adam, variable),
                    beta1Power, beta2Power, learningRate, tf.constant((float) ADAM_BETA1),
                    tf.constant((float) ADAM_BETA2), tf.constant(ADAM_EPSILON), gradient));
        }
        trainTargets.addAll(layers.updates());

        inference = ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, store));
    }

    /** L2 penalties: weight decay on conv and dense weights, the depthwise coefficient on depthwise weights. */
    private Operand<TFloat32> penalty(Ops tf, TrainConfig config) {
        Operand<TFloat32> total = tf.constant(0f);
        for (Parameter p : store.trainable()) {
            double coefficient = switch (p.kind()) {
                case CONV_WEIGHT, DENSE_WEIGHT -> config.weightDecay();
                case DEPTHWISE_WEIGHT -> config.depthwiseL2();
                default -> 0;
            };
            if (coefficient > 0) {
                total = tf.math.add(total, tf.math.mul(tf.constant((float) coefficient), tf.nn.l2Loss(p.variable())));
            }
        }
        return total;
    }

    private static Variable<TFloat32> zerosLike(Ops tf, Variable<TFloat32> variable) {
        return tf.variable(tf.zeros(tf.constant(variable.shape()), TFloat32.class));
    }
}
