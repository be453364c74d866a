package io.qfserving.service.metrics;

import io.micrometer.core.instrument.Tags;
import io.qfserving.service.repository.ServedModel;

/** The labels every per-model meter carries, so series of one version line up across metrics. */
public final class ModelTags {

    private ModelTags() {}

    /** model, version, variant (baseline | qf), precision (float32 | int8), engine. */
    public static Tags of(ServedModel model) {
        return Tags.of("model", model.name(), "version", model.version(), "variant", model.manifest().variant(),
                "precision", model.manifest().precision(), "engine", model.engine());
    }

    /** experiment and experiment_variant: empty for a model called by its own name. */
    public static Tags experiment(String experiment, String variant) {
        return Tags.of("experiment", experiment, "experiment_variant", variant);
    }
}
