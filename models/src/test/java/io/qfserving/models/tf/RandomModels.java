package io.qfserving.models.tf;

import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Untrained networks whose BatchNorm parameters and statistics are randomized, so that folding and
 * conversions are exercised rather than the identity, plus random preprocessed images.
 */
public final class RandomModels {

    private RandomModels() {}

    /** Every architecture in both variants (V1, V2, V3-Small; baseline and QF) at width 0.5 and the given resolution, 10 classes. */
    public static List<ModelSpec> specs(int resolution) {
        List<ModelSpec> specs = new ArrayList<>();
        for (Architecture a : Architecture.values()) {
            for (Variant v : Variant.values()) {
                specs.add(new ModelSpec(a, v, 0.5, resolution, 10));
            }
        }
        return specs;
    }

    /** Trained-format values: initial weights, randomized BatchNorm. */
    public static Map<String, TensorValue> trainedValues(ModelSpec spec, long seed) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ParameterStore store = new ParameterStore(tf);
            ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, store));
            try (Session session = new Session(graph)) {
                session.initialize();
                return randomizeBatchNorm(store.values(session), new Random(seed));
            }
        }
    }

    private static Map<String, TensorValue> randomizeBatchNorm(Map<String, TensorValue> values, Random random) {
        Map<String, TensorValue> result = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            float[] data = value.data().clone();
            for (int i = 0; i < data.length; i++) {
                if (name.endsWith("/gamma")) {
                    data[i] = 0.5f + random.nextFloat();
                } else if (name.endsWith("/beta") || name.endsWith("/moving_mean") || name.endsWith("/bias")) {
                    data[i] = (float) random.nextGaussian() * 0.2f;
                } else if (name.endsWith("/moving_variance")) {
                    data[i] = 0.5f + 2 * random.nextFloat();
                }
            }
            result.put(name, new TensorValue(value.shape(), data));
        });
        return result;
    }

    /** Images already normalized to [-1, 1], NHWC. */
    public static List<float[]> images(int n, int resolution, Random random) {
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] image = new float[resolution * resolution * 3];
            for (int j = 0; j < image.length; j++) {
                image[j] = random.nextFloat() * 2 - 1;
            }
            images.add(image);
        }
        return images;
    }
}
