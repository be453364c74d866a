package io.qfserving.runtime.engine;

/**
 * What a classifier returns for a batch: pre-softmax logits and probabilities, one row per image,
 * in input order.
 */
public record Scores(float[][] logits, float[][] probabilities) {

    public Scores {
        if (logits.length != probabilities.length) {
            throw new IllegalArgumentException(logits.length + " logit rows but " + probabilities.length + " probability rows");
        }
    }

    public int rows() {
        return probabilities.length;
    }
}
