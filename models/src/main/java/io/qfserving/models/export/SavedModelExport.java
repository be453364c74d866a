package io.qfserving.models.export;

import io.qfserving.models.tf.ClassifierGraph;
import io.qfserving.models.tf.FoldedLayers;
import io.qfserving.models.tf.FoldedWeights;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** Writes a serving SavedModel: trained values as constants, BatchNorm folded, signature serving_default. */
public final class SavedModelExport {

    public static final String DIRECTORY = "saved_model";

    private SavedModelExport() {}

    /** Exports trained values into {@code versionDir/saved_model} and returns that folder. */
    public static Path export(ModelSpec spec, Map<String, TensorValue> values, Path versionDir) throws IOException {
        Path target = versionDir.resolve(DIRECTORY);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ClassifierGraph classifier = ClassifierGraph.build(tf, spec, new FoldedLayers(tf, FoldedWeights.fold(values)));
            try (Session session = new Session(graph)) {
                SavedModelBundle.exporter(target.toString())
                        .withTags(SavedModelBundle.DEFAULT_TAG)
                        .withSession(session)
                        .withSignature(classifier.signature())
                        .export();
            }
        }
        return target;
    }
}
