package io.qfserving.service.repository;

import io.qfserving.models.eval.Classifier;
import io.qfserving.models.export.ModelManifest;
import java.nio.file.Path;

/** One model version in memory, warmed up, with the manifest that describes it. */
record LoadedModel(String version, Path directory, ModelManifest manifest, Classifier classifier,
                   double warmupMillis) implements AutoCloseable {

    @Override
    public void close() {
        classifier.close();
    }
}
