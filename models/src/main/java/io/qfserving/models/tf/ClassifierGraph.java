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
 * The serving shape of a classifier: input {@code image} float32 [N, H, W, 3], already resized and
 * normalized, and outputs {@code logits} and {@code probs}.
 */
public record ClassifierGraph(Placeholder<TFloat32> image, Operand<TFloat32> logits, Operand<TFloat32> probs) {

    public static final String SIGNATURE_KEY = ClassifierSignature.SIGNATURE_KEY;
    public static final String INPUT = ClassifierSignature.INPUT;
    public static final String LOGITS = ClassifierSignature.LOGITS;
    public static final String PROBS = ClassifierSignature.PROBS;

    public static ClassifierGraph build(Ops tf, ModelSpec spec, Layers<Operand<TFloat32>> layers) {
        Placeholder<TFloat32> image = tf.withName(INPUT).placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, spec.resolution(), spec.resolution(), 3)));
        Operand<TFloat32> logits = tf.withName(LOGITS).identity(spec.logits(layers, image));
        Operand<TFloat32> probs = tf.withName(PROBS).nn.softmax(logits);
        return new ClassifierGraph(image, logits, probs);
    }

    public Signature signature() {
        return Signature.builder()
                .key(SIGNATURE_KEY)
                .input(INPUT, image)
                .output(LOGITS, logits)
                .output(PROBS, probs)
                .methodName("tensorflow/serving/predict")
                .build();
    }
}
