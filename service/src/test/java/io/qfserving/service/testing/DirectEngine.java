package io.qfserving.service.testing;

import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.engine.Scores;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.nio.file.Path;
import java.util.List;

/** A model version called directly, no server: what served answers are compared against. */
public final class DirectEngine implements AutoCloseable {

    private final ModelManifest manifest;
    private final Classifier classifier;
    private final ImagePreprocessor preprocessor;

    public DirectEngine(String model) {
        Path version = Path.of(EmbeddedModelsTest.REPOSITORY, model, "1");
        manifest = ModelManifest.read(version);
        classifier = Engines.open(version, manifest, manifest.primaryArtifact(), 1);
        ModelManifest.Preprocessing p = manifest.preprocessing();
        preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization());
    }

    public float[] preprocess(byte[] image) {
        return preprocessor.apply(image);
    }

    public Scores scores(byte[] image) {
        return classifier.scores(List.of(preprocess(image)));
    }

    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public void close() {
        classifier.close();
        preprocessor.close();
    }
}
