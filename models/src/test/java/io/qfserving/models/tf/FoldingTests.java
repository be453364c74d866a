package io.qfserving.models.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.export.SavedModelExport;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.engine.tensorflow.SavedModelClassifier;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Folding BatchNorm into the convolutions must not change what the model computes, and the exported
 * SavedModel must compute exactly what the in-memory folded graph does. BatchNorm statistics are
 * randomized so that folding is exercised, not the identity. The folded weights read back from the
 * SavedModel's constants are the ones it was built from, bit for bit.
 */
class FoldingTests {

    private static final int RESOLUTION = 64;

    static List<ModelSpec> specs() {
        return RandomModels.specs(RESOLUTION);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void foldedAndUnfoldedGraphsAgreeAndTheSavedModelRoundTripsExactly(ModelSpec spec, @TempDir Path dir) throws Exception {
        List<float[]> images = RandomModels.images(4, RESOLUTION, new Random(11));
        Map<String, TensorValue> values = RandomModels.trainedValues(spec, 5);
        float[][] unfolded;
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ParameterStore store = new ParameterStore(tf);
            ClassifierGraph classifier = ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, store));
            try (Session session = new Session(graph)) {
                store.load(session, values);
                unfolded = probabilities(session, classifier, images);
            }
        }
        float[][] folded;
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ClassifierGraph classifier = ClassifierGraph.build(tf, spec, new FoldedLayers(tf, FoldedWeights.fold(values)));
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
        Map<String, TensorValue> expected = FoldedWeights.fold(values);
        Map<String, TensorValue> readBack = FoldedWeights.read(savedModel);
        assertThat(readBack.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, value) -> {
            assertThat(readBack.get(name).shape()).as(name).isEqualTo(value.shape());
            assertThat(readBack.get(name).data()).as(name).containsExactly(value.data());
        });
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
