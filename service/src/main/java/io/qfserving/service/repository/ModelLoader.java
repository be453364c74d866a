package io.qfserving.service.repository;

import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.batching.BatchQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens one version folder: reads its manifest, opens the primary artifact on its engine and warms
 * it up at batch 1 and at the largest batch, so the first real request pays no first-call cost.
 */
final class ModelLoader {

    private final EngineProperties engine;
    private final Clock clock;
    private final RepositoryListener listener;

    ModelLoader(EngineProperties engine, Clock clock, RepositoryListener listener) {
        this.engine = engine;
        this.clock = clock;
        this.listener = listener;
    }

    /** @throws RuntimeException with a message saying what is wrong with the version */
    ServedModel load(String name, String version, Path versionDir) {
        ModelManifest manifest = ModelManifest.read(versionDir);
        Classifier classifier = Engines.open(versionDir, manifest, manifest.primaryArtifact(), engine.threads());
        try {
            long start = System.nanoTime();
            ModelManifest.Preprocessing p = manifest.preprocessing();
            for (int batch : new int[] {1, engine.batching().maxBatchSize()}) {
                List<float[]> zeros = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    zeros.add(new float[p.height() * p.width() * 3]);
                }
                if (classifier.probabilities(zeros)[0].length != manifest.labels().size()) {
                    throw new IllegalStateException("the model has a different number of classes than its manifest's "
                            + manifest.labels().size() + " labels");
                }
            }
            Duration warmup = Duration.ofNanos(System.nanoTime() - start);
            EngineProperties.Batching b = engine.batching();
            BatchQueue.Settings settings = new BatchQueue.Settings(b.maxBatchSize(), b.maxQueueDelay(), b.queueCapacity());
            return new ServedModel(name, version, versionDir, manifest, classifier, settings, b.workers(), clock, warmup, listener);
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }
}
