package io.qfserving.models.eval;

import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled folder decoded and preprocessed once, held in memory, so that many models (float,
 * int8 under several schemes, on two engines) are compared on exactly the same inputs.
 */
public record PreprocessedImages(List<String> classes, List<float[]> images, int[] labels) {

    private static final int BATCH = 32;

    public static PreprocessedImages load(ImageFolder folder, ImagePreprocessor preprocessor) {
        List<float[]> images = new ArrayList<>(folder.samples().size());
        int[] labels = new int[folder.samples().size()];
        for (ImageFolder.Sample sample : folder.samples()) {
            try {
                labels[images.size()] = sample.label();
                images.add(preprocessor.apply(Files.readAllBytes(sample.path())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + sample.path(), e);
            }
        }
        return new PreprocessedImages(folder.classes(), List.copyOf(images), labels);
    }

    /** Accuracy of {@code classifier} and its top-1 class for every image. */
    public Scored score(Classifier classifier) {
        Evaluation evaluation = new Evaluation(classes);
        int[] predicted = new int[images.size()];
        for (int from = 0; from < images.size(); from += BATCH) {
            float[][] probabilities = classifier.probabilities(images.subList(from, Math.min(images.size(), from + BATCH)));
            for (int i = 0; i < probabilities.length; i++) {
                evaluation.add(probabilities[i], labels[from + i]);
                predicted[from + i] = Evaluation.argMax(probabilities[i]);
            }
        }
        return new Scored(evaluation.result(), predicted);
    }

    public record Scored(Evaluation.Result result, int[] predicted) {

        /** Percentage of images on which both put the same class first. */
        public double agreement(Scored other) {
            int same = 0;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == other.predicted[i]) {
                    same++;
                }
            }
            return 100.0 * same / predicted.length;
        }
    }
}
