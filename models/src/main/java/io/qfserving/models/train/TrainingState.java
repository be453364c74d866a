package io.qfserving.models.train;

import java.util.List;

/** What a run has done so far, saved beside its checkpoints so that it can resume. */
public record TrainingState(
        TrainConfig config, int epochsDone, long step, double bestTop1, int bestEpoch, double trainSeconds,
        List<EpochSummary> history) {

    public record EpochSummary(int epoch, double loss, double trainTop1, double valTop1, double valTop5,
            double imagesPerSecond, double seconds) {}
}
