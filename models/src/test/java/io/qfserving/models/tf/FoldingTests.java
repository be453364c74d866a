package io.qfserving.models.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.arch.Architecture;
import io.qfserving.models.arch.ModelSpec;
import io.qfserving.models.arch.Variant;
import io.qfserving.models.eval.SavedModelClassifier;
import io.qfserving.models.export.SavedModelExport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import io.qfserving.models.data.ImagePreprocessor;

/**
 * Folding BatchNorm into the convolutions must not change what the model computes, and the exported
 * SavedModel must compute exactly what the in-memory folded graph does. BatchNorm statistics are
 * randomized so that folding is exercised, not the identity.
 */
class FoldingTests {

    private static final int RESOLUTION = 64;

    static List<Arguments> specs() {
        List<Arguments> specs = new ArrayList<>();
        for (Architecture a : Architecture.values()) {
            for (Variant v : Variant.values()) {
                specs.add(Arguments.of(new ModelSpec(a, v, 0.5, RESOLUTION, 10)));
            }
        }
        return specs;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void foldedAndUnfoldedGraphsAgreeAndTheSavedModelRoundTripsExactly(ModelSpec spec, @TempDir Path dir) throws Exception {
        List<float[]> images = randomImages(4, new Random(11));
        Map<String, TensorValue> values;
        float[][] unfolded;
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ParameterStore store = new ParameterStore(tf);
            ClassifierGraph classifier = ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, store));
            try (Session session = new Session(graph)) {
                session.initialize();
                values = randomizeBatchNorm(store.values(session), new Random(5));
                store.load(session, values);
                unfolded = probabilities(session, classifier, images);
            }
        }
        float[][] folded;
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ClassifierGraph classifier = ClassifierGraph.build(tf, spec, new FoldedLayers(tf, values));
            try (Session session = new Session(graph)) {
                folded = probabilities(session, classifier, images);
            }
        }
        for (int i = 0; i < images.size(); i++) {
            assertThat(folded[i]).containsExactly(unfolded[i], within(1e-4f));
        }
        assertThat(unfolded[0]).isNotEqualTo(unfolded[1]);

        Path savedModel = SavedModelExport.export(spec, values, dir);
        try (SavedModelClassifier loaded = new SavedModelClassifier(savedModel, RESOLUTION, RESOLUTION)) {
            float[][] reloaded = loaded.probabilities(images);
            for (int i = 0; i < images.size(); i++) {
                assertThat(reloaded[i]).containsExactly(folded[i]);
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

    private static List<float[]> randomImages(int n, Random random) {
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] image = new float[RESOLUTION * RESOLUTION * 3];
            for (int j = 0; j < image.length; j++) {
                image[j] = random.nextFloat() * 2 - 1;
            }
            images.add(image);
        }
        return images;
    }

    private static float[][] probabilities(Session session, ClassifierGraph classifier, List<float[]> images) {
        try (TFloat32 x = ImagePreprocessor.batch(images, RESOLUTION, RESOLUTION);
                TFloat32 probs = (TFloat32) session.runner().feed(classifier.image(), x).fetch(classifier.probs()).run().get(0)) {
            float[][] rows = new float[images.size()][10];
            for (int i = 0; i < rows.length; i++) {
                probs.get(i).copyTo(DataBuffers.of(rows[i], false, false));
            }
            return rows;
        }
    }
}
