package io.qfserving.service.inference;

import io.qfserving.service.repository.ServedModel;
import java.util.List;

/**
 * A served request: the version that ran it, the model inputs it ran on, one score row per input in
 * order, its timing, and what gives its inputs back for reuse ({@link #release}).
 */
public record Inference(ServedModel model, List<float[]> inputs, List<ServedModel.ScoreRow> rows, Timing timing,
        Runnable releaseInputs) {

    /**
     * Gives the inputs back for later requests to decode into, when this inference decoded them. Call
     * it once nothing reads them any more (after a shadow copy that reuses them has run), or never:
     * they are then collected. Only the first call counts.
     */
    public void release() {
        releaseInputs.run();
    }

    /** The index of the highest probability of each image. */
    public List<Integer> top1() {
        return rows.stream().map(row -> TopK.indices(row.probabilities(), 1)[0]).toList();
    }
}
