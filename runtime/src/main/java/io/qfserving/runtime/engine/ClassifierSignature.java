package io.qfserving.runtime.engine;

/**
 * The serving interface every classifier artifact exposes, whatever its format: input
 * {@code image} float32 [N, H, W, 3], already resized and normalized, and outputs {@code logits}
 * and {@code probs}; a SavedModel names it with {@link #SIGNATURE_KEY}.
 */
public final class ClassifierSignature {

    public static final String SIGNATURE_KEY = "serving_default";
    public static final String INPUT = "image";
    public static final String LOGITS = "logits";
    public static final String PROBS = "probs";

    private ClassifierSignature() {}
}
