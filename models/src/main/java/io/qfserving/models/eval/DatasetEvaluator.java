package io.qfserving.models.eval;

import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a classifier over a labelled folder through the serving preprocessing, in batches. */
public final class DatasetEvaluator {

    private static final int BATCH = 32;

    private DatasetEvaluator() {}

    /** Evaluates an exported model version (its primary artifact, fed as its manifest says). */
    public static Evaluation.Result evaluate(Path versionDir, ModelManifest manifest, ImageFolder data) {
        ModelManifest.Preprocessing p = manifest.preprocessing();
        try (Classifier classifier = Engines.open(versionDir, manifest, manifest.primaryArtifact(), 0);
                ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization())) {
            return evaluate(classifier, preprocessor, data);
        }
    }

    public static Evaluation.Result evaluate(Classifier classifier, ImagePreprocessor preprocessor, ImageFolder data) {
        Evaluation evaluation = new Evaluation(data.classes());
        List<ImageFolder.Sample> samples = data.samples();
        for (int from = 0; from < samples.size(); from += BATCH) {
            List<ImageFolder.Sample> chunk = samples.subList(from, Math.min(samples.size(), from + BATCH));
            List<float[]> inputs = new ArrayList<>(chunk.size());
            for (ImageFolder.Sample sample : chunk) {
                try {
                    inputs.add(preprocessor.apply(Files.readAllBytes(sample.path())));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + sample.path(), e);
                }
            }
            float[][] probabilities = classifier.probabilities(inputs);
            for (int i = 0; i < chunk.size(); i++) {
                evaluation.add(probabilities[i], chunk.get(i).label());
            }
        }
        return evaluation.result();
    }
}
