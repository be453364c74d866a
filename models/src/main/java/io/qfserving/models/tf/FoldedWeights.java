package io.qfserving.models.tf;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Serving weights: per layer {@code <layer>/weights} and, where the layer has one, {@code <layer>/bias},
 * with each BatchNorm folded into the convolution before it (w' = w * gamma / sqrt(var + eps),
 * b' = beta - mean * gamma / sqrt(var + eps)). Every serving backend (the TensorFlow SavedModel, the
 * ONNX float and int8 graphs) is built from these, and the SavedModel keeps them as constants under
 * the same names so that later tools read them back from the graph.
 */
public final class FoldedWeights {

    static final String WEIGHTS = "/weights";
    static final String BIAS = "/bias";
    private static final String GAMMA = "/bn/gamma";

    private FoldedWeights() {}

    /** Folds trained values (conv weights, BatchNorm parameters and statistics, dense weights and bias). */
    public static Map<String, TensorValue> fold(Map<String, TensorValue> trained) {
        Map<String, TensorValue> folded = new LinkedHashMap<>();
        trained.forEach((name, value) -> {
            if (!name.endsWith(WEIGHTS)) {
                return;
            }
            String layer = name.substring(0, name.length() - WEIGHTS.length());
            TensorValue gamma = trained.get(layer + GAMMA);
            if (gamma == null) {
                folded.put(name, value);
                if (trained.containsKey(layer + BIAS)) {
                    folded.put(layer + BIAS, trained.get(layer + BIAS));
                }
                return;
            }
            BatchNormFolding folding = BatchNormFolding.of(gamma, trained.get(layer + "/bn/beta"),
                    trained.get(layer + "/bn/moving_mean"), trained.get(layer + "/bn/moving_variance"),
                    TensorFlowLayers.BATCH_NORM_EPSILON);
            folded.put(name, folding.scaleWeights(value));
            folded.put(layer + BIAS, folding.bias());
        });
        return folded;
    }

    /**
     * The SavedModel constant holding {@code weightName}: dots for slashes, because TensorFlow turns
     * slashes into scopes and makes a reused scope unique ({@code block1_1/...}), losing the name.
     */
    static String constantName(String weightName) {
        return weightName.replace('/', '.');
    }

    /** Reads the folded weights back from an exported SavedModel's named constants. */
    public static Map<String, TensorValue> read(Path savedModelDir) {
        Map<String, TensorValue> weights = new LinkedHashMap<>();
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModelDir.toString(), SavedModelBundle.DEFAULT_TAG)) {
            for (Iterator<GraphOperation> it = bundle.graph().operations(); it.hasNext();) {
                GraphOperation op = it.next();
                String name = op.name().replace('.', '/');
                if (op.type().equals("Const") && (name.endsWith(WEIGHTS) || name.endsWith(BIAS))) {
                    try (TFloat32 t = (TFloat32) bundle.session().runner().fetch(op.name()).run().get(0)) {
                        weights.put(name, TensorValue.copyOf(t));
                    }
                }
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException(savedModelDir + " has no named weight constants (exported by an older version?)");
        }
        return weights;
    }

    /** The per-channel scale and shift that BatchNorm in inference mode applies. */
    record BatchNormFolding(float[] scale, float[] shift) {

        static BatchNormFolding of(
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
        TensorValue scaleWeights(TensorValue weights) {
            float[] scaled = weights.data().clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= scale[i % scale.length];
            }
            return new TensorValue(weights.shape(), scaled);
        }

        TensorValue bias() {
            return new TensorValue(Shape.of(shift.length), shift.clone());
        }
    }
}
