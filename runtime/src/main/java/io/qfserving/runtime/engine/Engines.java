package io.qfserving.runtime.engine;

import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import io.qfserving.runtime.engine.tensorflow.SavedModelClassifier;
import io.qfserving.runtime.manifest.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model version's artifact on the engine its format needs. */
public final class Engines {

    private Engines() {}

    /**
     * @param artifact one of the manifest's artifacts
     * @param threads intra-op threads for either engine; 0 lets the engine choose
     */
    public static Classifier open(Path versionDir, ModelManifest manifest, ModelManifest.Artifact artifact, int threads) {
        ModelManifest.Preprocessing p = manifest.preprocessing();
        Path file = versionDir.resolve(artifact.path());
        return switch (artifact.format()) {
            case ModelManifest.SAVED_MODEL -> new SavedModelClassifier(file, p.height(), p.width(), threads);
            case ModelManifest.ONNX -> new OnnxClassifier(read(file), p.height(), p.width(), threads);
            default -> throw new IllegalArgumentException("unknown model format '" + artifact.format() + "' in " + versionDir);
        };
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
