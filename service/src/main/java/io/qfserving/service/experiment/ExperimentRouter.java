package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Routes requests for one validated experiment: a pinned variant when the client overrides and the
 * experiment allows it, a sticky variant when the client sends a key, else a weighted random one;
 * and decides, with the same random source, whether to mirror the request to the shadow.
 */
final class ExperimentRouter {

    private final StoredExperiment stored;
    private final Experiment experiment;
    private final List<Variant> serving;
    private final double[] cumulativeWeights;
    private final WeightedRendezvous sticky;
    private final ModelRef shadowModel;
    private final RandomGenerator random;

    /** @param random must be safe to call from many threads at once; see {@link ExperimentRegistry} */
    ExperimentRouter(StoredExperiment stored, RandomGenerator random) {
        this.stored = stored;
        this.experiment = stored.experiment();
        this.random = random;
        this.serving = experiment.variants().stream().filter(v -> v.weight() > 0).toList();
        this.cumulativeWeights = new double[serving.size()];
        double sum = 0;
        for (int i = 0; i < serving.size(); i++) {
            sum += serving.get(i).weight();
            cumulativeWeights[i] = sum;
        }
        this.sticky = new WeightedRendezvous(experiment.name(), serving);
        boolean shadowing = experiment.shadow() != null && experiment.shadow().percent() > 0;
        this.shadowModel = shadowing ? experiment.shadowModel() : null;
    }

    StoredExperiment stored() {
        return stored;
    }

    /**
     * @param clientKey the client's sticky key ({@code X-Client-Id}), or null/blank for none
     * @param override a variant name the client pins, or null/blank for none
     * @throws OverrideRefusedException when an override is given but not allowed, or names no variant
     */
    Route route(String clientKey, String override) {
        if (!isBlank(override)) {
            return routeTo(pinned(override), Route.Assignment.OVERRIDE);
        }
        if (!isBlank(clientKey)) {
            return routeTo(sticky.pick(clientKey), Route.Assignment.STICKY);
        }
        return routeTo(drawWeighted(), Route.Assignment.WEIGHTED);
    }

    private Route routeTo(Variant variant, Route.Assignment assignment) {
        return new Route(experiment.name(), stored.revision(), variant.name(), variant.ref(), assignment, mirrorTarget(variant));
    }

    /** A pinned variant may have weight 0: that is how a dark variant is tried by hand. */
    private Variant pinned(String variantName) {
        if (!experiment.allowOverride()) {
            throw new OverrideRefusedException("experiment '" + experiment.name() + "' does not allow pinning a variant");
        }
        return experiment.variant(variantName).orElseThrow(() -> new OverrideRefusedException(
                "experiment '" + experiment.name() + "' has no variant '" + variantName + "'; its variants are "
                        + experiment.variants().stream().map(Variant::name).toList()));
    }

    private Variant drawWeighted() {
        int last = cumulativeWeights.length - 1;
        double draw = random.nextDouble(cumulativeWeights[last]);
        int i = 0;
        while (i < last && draw >= cumulativeWeights[i]) {
            i++;
        }
        return serving.get(i);
    }

    /** Never mirrors a request to the model that answers it: that would compare a model with itself. */
    private ModelRef mirrorTarget(Variant primary) {
        if (shadowModel == null || primary.ref().equals(shadowModel)) {
            return null;
        }
        return random.nextDouble(100) < experiment.shadow().percent() ? shadowModel : null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
