package io.qfserving.service.inference;

import io.qfserving.service.repository.ServedModel;
import java.util.List;

/**
 * A served request: the version that ran it, the model inputs it ran on, one score row per input in
 * order, and its timing.
 */
public record Inference(ServedModel model, List<float[]> inputs, List<ServedModel.ScoreRow> rows, Timing timing) {

    /** The index of the highest probability of each image. */
    public List<Integer> top1() {
        return rows.stream().map(row -> TopK.indices(row.probabilities(), 1)[0]).toList();
    }
}
