package io.qfserving.service.repository;

import io.qfserving.models.export.SavedModelExport;
import io.qfserving.models.tf.ClassifierGraph;
import io.qfserving.models.tf.ParameterStore;
import io.qfserving.models.tf.VariableLayers;
import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import io.qfserving.runtime.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** Builds small model repositories for tests: untrained but real SavedModels, and broken versions. */
final class TestRepository {

    private TestRepository() {}

    /** An untrained QF-MobileNetV2 (width 0.35, 32px, 2 classes) at {@code repo/name/version}. */
    static Path untrainedModel(Path repo, String name, int version) throws IOException {
        ModelSpec spec = new ModelSpec(Architecture.MOBILENET_V2, Variant.QF, 0.35, 32, 2);
        Path dir = repo.resolve(name).resolve(Integer.toString(version));
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ParameterStore store = new ParameterStore(tf);
            ClassifierGraph.build(tf, spec, VariableLayers.training(tf, store, 1));
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelExport.export(spec, store.values(session), dir);
            }
        }
        new ModelManifest(name, "mobilenet-v2", "qf", "float32",
                List.of(new ModelManifest.Artifact(ModelManifest.SAVED_MODEL, SavedModelExport.DIRECTORY)),
                new ModelManifest.Tensor("image", "FP32", List.of(-1L, 32L, 32L, 3L)),
                List.of(new ModelManifest.Tensor("probs", "FP32", List.of(-1L, 2L))),
                new ModelManifest.Preprocessing("RGB", 32, 32, "bilinear, half-pixel centers",
                        List.of(127.5f, 127.5f, 127.5f), List.of(127.5f, 127.5f, 127.5f), "NHWC"),
                List.of(new ModelManifest.Label(0, "n00000001", "disc"), new ModelManifest.Label(1, "n00000002", "stripes")),
                1, 1, 1, null, null, null, "test", "2026-01-01T00:00:00Z").write(dir);
        return dir;
    }

    /**
     * A version whose manifest is fine (copied from the model's first version) but whose SavedModel is
     * garbage, as a half-copied upload looks.
     */
    static Path corruptVersion(Path repo, String name, int version) throws IOException {
        Path source;
        try (var versions = Files.list(repo.resolve(name))) {
            source = versions.filter(v -> Files.exists(v.resolve(ModelManifest.FILE_NAME))).sorted().findFirst().orElseThrow();
        }
        Path dir = Files.createDirectories(repo.resolve(name).resolve(Integer.toString(version)));
        Files.copy(source.resolve(ModelManifest.FILE_NAME), dir.resolve(ModelManifest.FILE_NAME));
        Path savedModel = Files.createDirectories(dir.resolve(SavedModelExport.DIRECTORY));
        Files.writeString(savedModel.resolve("saved_model.pb"), "not a protobuf");
        return dir;
    }
}
