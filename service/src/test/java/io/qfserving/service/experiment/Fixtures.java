package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.List;
import java.util.Set;

/** The experiment the issue describes, and the models a server holding it has loaded. */
final class Fixtures {

    static final Set<ModelRef> LOADED = Set.of(
            new ModelRef("mobilenet-v2", "1"), new ModelRef("mobilenet-v2-int8", "1"),
            new ModelRef("qf-mobilenet-v2", "1"), new ModelRef("qf-mobilenet-v2-int8", "1"));

    /** Loaded when that exact version is, or, without a version, when any version of the model is. */
    static final LoadedModels LOADED_MODELS = ref -> ref.version() == null
            ? LOADED.stream().anyMatch(m -> m.model().equals(ref.model()))
            : LOADED.contains(ref);

    private Fixtures() {}

    /** baseline-float, baseline-int8, qf-float and qf-int8 with the given weights, no shadow, no override. */
    static Experiment fourArms(double baselineFloat, double baselineInt8, double qfFloat, double qfInt8) {
        return experiment(List.of(
                new Variant("baseline-float", "mobilenet-v2", null, baselineFloat),
                new Variant("baseline-int8", "mobilenet-v2-int8", null, baselineInt8),
                new Variant("qf-float", "qf-mobilenet-v2", null, qfFloat),
                new Variant("qf-int8", "qf-mobilenet-v2-int8", "1", qfInt8)));
    }

    /** The experiment as a store would hand it out at its first revision. */
    static StoredExperiment stored(Experiment experiment) {
        return stored(experiment, 1);
    }

    static StoredExperiment stored(Experiment experiment, long revision) {
        return new StoredExperiment(experiment, revision, "");
    }

    static Experiment experiment(List<Variant> variants) {
        return new Experiment("mobilenet-v2-ab", variants, null, false, null);
    }

    static Experiment withShadow(Experiment e, Shadow shadow) {
        return new Experiment(e.name(), e.variants(), shadow, e.allowOverride(), e.control());
    }

    static Experiment allowingOverride(Experiment e) {
        return new Experiment(e.name(), e.variants(), e.shadow(), true, e.control());
    }
}
