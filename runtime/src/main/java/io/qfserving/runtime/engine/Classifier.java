package io.qfserving.runtime.engine;

import java.util.List;

/** Anything that turns a batch of preprocessed images into class scores; holds native resources. */
public interface Classifier extends AutoCloseable {

    /** Logits and probabilities, one row per image, in input order. */
    Scores scores(List<float[]> images);

    /** One probability row per image, in input order. */
    default float[][] probabilities(List<float[]> images) {
        return scores(images).probabilities();
    }

    @Override
    void close();
}
