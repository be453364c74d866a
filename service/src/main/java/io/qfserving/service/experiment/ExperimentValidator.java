package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an experiment before it may route: names, weights, the shadow, the control, that every
 * model it names is loaded, and that its own name is no served model's. Collects all problems into
 * one {@link InvalidExperimentException}.
 */
final class ExperimentValidator {

    /** Variant names are parts of counter names in the store (see {@link CounterKey#tally()}). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final LoadedModels loadedModels;

    ExperimentValidator(LoadedModels loadedModels) {
        this.loadedModels = loadedModels;
    }

    /** Returns normally when the experiment is valid. */
    void validate(Experiment experiment) {
        List<String> problems = new ArrayList<>();
        if (isBlank(experiment.name())) {
            problems.add("the experiment has no name");
        } else if (loadedModels.isLoaded(ModelRef.newest(experiment.name()))) {
            // A request names a model or an experiment alike, and an experiment is routed first: it would hide the model.
            problems.add("experiment '" + experiment.name() + "' has the name of a served model: clients asking for that model "
                    + "would get the experiment's variants; choose another name");
        }
        if (experiment.variants().isEmpty()) {
            problems.add("it has no variants");
        }
        checkVariants(experiment.variants(), problems);
        checkControl(experiment, problems);
        checkDecisions(experiment, problems);
        if (experiment.shadow() != null) {
            checkShadow(experiment, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidExperimentException(experiment.name(), problems);
        }
    }

    private void checkVariants(List<Variant> variants, List<String> problems) {
        Set<String> names = new HashSet<>();
        double sum = 0;
        for (Variant v : variants) {
            String label = isBlank(v.name()) ? "a variant without a name" : "variant '" + v.name() + "'";
            if (isBlank(v.name())) {
                problems.add("every variant needs a name");
            } else if (!NAME.matcher(v.name()).matches()) {
                problems.add(label + ": a variant's name may hold letters, digits, '.', '_' and '-' only");
            } else if (!names.add(v.name())) {
                problems.add("variant name '" + v.name() + "' is used twice");
            }
            if (!(v.weight() >= 0) || Double.isInfinite(v.weight())) {
                problems.add(label + " has weight " + v.weight() + "; weights must be finite and >= 0");
            } else {
                sum += v.weight();
            }
            checkModel(label, v.ref(), problems);
        }
        if (!variants.isEmpty() && sum <= 0) {
            problems.add("the weights must sum to more than 0, but no variant has a positive weight");
        } else if (Double.isInfinite(sum)) {
            problems.add("the weights are too large to add up; scale them down");
        }
    }

    private void checkModel(String label, ModelRef ref, List<String> problems) {
        if (isBlank(ref.model())) {
            problems.add(label + " names no model");
        } else if (ref.version() != null && ref.version().isBlank()) {
            problems.add(label + " has a blank version; leave it out to serve the newest loaded one");
        } else if (!loadedModels.isLoaded(ref)) {
            problems.add(label + " points at " + ref + ", which is not loaded");
        }
    }

    private static void checkControl(Experiment experiment, List<String> problems) {
        String control = experiment.control();
        if (control != null && experiment.variant(control).isEmpty()) {
            problems.add("control '" + control + "' is not one of the variants");
        }
    }

    private static void checkDecisions(Experiment experiment, List<String> problems) {
        for (Experiment.Pair pair : experiment.decide()) {
            for (String arm : new String[] {pair.candidate(), pair.control()}) {
                if (experiment.variant(arm).isEmpty()) {
                    problems.add("decision " + pair.candidate() + " vs " + pair.control() + " names '" + arm + "', which is not a variant");
                }
            }
            if (pair.candidate() != null && pair.candidate().equals(pair.control())) {
                problems.add("decision " + pair.candidate() + " vs " + pair.control() + " compares a variant with itself");
            }
        }
    }

    /**
     * The shadow must mirror to something loaded, and not to the only model that serves traffic:
     * the router never mirrors a request to the model that answered it, so such a shadow would never run.
     */
    private void checkShadow(Experiment experiment, List<String> problems) {
        Shadow shadow = experiment.shadow();
        if (!(shadow.percent() >= 0 && shadow.percent() <= 100)) {
            problems.add("shadow percent " + shadow.percent() + " is not between 0 and 100");
        }
        if (isBlank(shadow.target())) {
            problems.add("the shadow names no target");
            return;
        }
        ModelRef target = experiment.shadowModel();
        if (experiment.variant(shadow.target()).isEmpty()) {
            checkModel("shadow target '" + shadow.target() + "'", target, problems);
        }
        List<Variant> serving = experiment.variants().stream().filter(v -> v.weight() > 0).toList();
        if (!serving.isEmpty() && serving.stream().allMatch(v -> v.ref().equals(target))) {
            problems.add("shadow target " + target + " is the only model that serves traffic, so nothing would be mirrored to it");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
