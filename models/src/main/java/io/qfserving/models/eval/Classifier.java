package io.qfserving.models.eval;

import java.util.List;

/** Anything that turns a batch of preprocessed images into class probabilities; holds native resources. */
public interface Classifier extends AutoCloseable {

    /** One probability row per image, in input order. */
    float[][] probabilities(List<float[]> images);

    @Override
    void close();
}
