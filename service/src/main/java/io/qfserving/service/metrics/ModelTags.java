package io.qfserving.service.metrics;

import io.micrometer.core.instrument.Tags;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.repository.ServedModel;

/** The labels every per-model meter carries, so series of one version line up across metrics. */
public final class ModelTags {

    private ModelTags() {}

    /** model, version, variant (baseline | qf), precision (float32 | int8), engine. */
    public static Tags of(ServedModel model) {
        return of(servedBy(model));
    }

    /** The same labels for a version that served a prediction, as the experiment store keeps it. */
    public static Tags of(PendingPrediction.ServedBy servedBy) {
        return Tags.of("model", servedBy.model(), "version", servedBy.version(), "variant", servedBy.variant(),
                "precision", servedBy.precision(), "engine", servedBy.engine());
    }

    /** The version's labels as the experiment store keeps them with a prediction. */
    public static PendingPrediction.ServedBy servedBy(ServedModel model) {
        return new PendingPrediction.ServedBy(model.name(), model.version(), model.manifest().variant(),
                model.manifest().precision(), model.engine());
    }

    /** experiment and experiment_variant: empty for a model called by its own name. */
    public static Tags experiment(String experiment, String variant) {
        return Tags.of("experiment", experiment, "experiment_variant", variant);
    }
}
