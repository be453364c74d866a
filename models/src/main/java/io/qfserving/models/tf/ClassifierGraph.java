package io.qfserving.models.tf;

import io.qfserving.runtime.arch.Layers;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.engine.ClassifierSignature;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A classifier's TensorFlow graph with the serving interface of {@link ClassifierSignature}.
 */
public record ClassifierGraph(Placeholder<TFloat32> image, Operand<TFloat32> logits, Operand<TFloat32> probs) {

    public static ClassifierGraph build(Ops tf, ModelSpec spec, Layers<Operand<TFloat32>> layers) {
        Placeholder<TFloat32> image = tf.withName(ClassifierSignature.INPUT).placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, spec.resolution(), spec.resolution(), 3)));
        Operand<TFloat32> logits = tf.withName(ClassifierSignature.LOGITS).identity(spec.logits(layers, image));
        Operand<TFloat32> probs = tf.withName(ClassifierSignature.PROBS).nn.softmax(logits);
        return new ClassifierGraph(image, logits, probs);
    }

    public Signature signature() {
        return Signature.builder()
                .key(ClassifierSignature.SIGNATURE_KEY)
                .input(ClassifierSignature.INPUT, image)
                .output(ClassifierSignature.LOGITS, logits)
                .output(ClassifierSignature.PROBS, probs)
                .methodName("tensorflow/serving/predict")
                .build();
    }
}
