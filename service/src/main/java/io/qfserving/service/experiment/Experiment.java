package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.List;
import java.util.Optional;

/**
 * An A/B experiment behind one public name, asked for as a model's is. A plain value, so that it
 * binds from {@code application.yml} or a JSON body as it is; {@link ExperimentRegistry#apply}
 * validates it before it routes anything.
 *
 * @param name the name clients ask for in place of a model's, e.g. {@code mobilenet-v2-ab}; never a
 *     served model's name, which it would hide
 * @param variants the arms, in report order
 * @param shadow traffic mirrored to one more model, or null for none
 * @param allowOverride whether a client may pin an arm by name (the override header)
 * @param control the arm the others are compared with in the report, or null for the first
 * @param decide the candidate/control pairs the report decides (may the candidate replace the
 *     control?); empty: every other arm against the control
 */
public record Experiment(String name, List<Variant> variants, Shadow shadow, boolean allowOverride, String control,
        List<Pair> decide) {

    /** A candidate arm and the control arm it may replace. */
    public record Pair(String candidate, String control) {}

    public Experiment {
        variants = variants == null ? List.of() : List.copyOf(variants);
        decide = decide == null ? List.of() : List.copyOf(decide);
    }

    /** An experiment that decides every other arm against its control. */
    public Experiment(String name, List<Variant> variants, Shadow shadow, boolean allowOverride, String control) {
        this(name, variants, shadow, allowOverride, control, List.of());
    }

    /** The pairs to decide: as named, or every other arm against the control. */
    public List<Pair> decisions() {
        if (!decide.isEmpty()) {
            return decide;
        }
        String control = controlVariant();
        return variants.stream().filter(v -> !v.name().equals(control)).map(v -> new Pair(v.name(), control)).toList();
    }

    public Optional<Variant> variant(String variantName) {
        return variants.stream().filter(v -> v.name() != null && v.name().equals(variantName)).findFirst();
    }

    /** The arm named {@code control}, or the first arm when none is named. */
    public String controlVariant() {
        return control != null ? control : variants.getFirst().name();
    }

    /** The model the shadow mirrors to: the named variant's model, else the target read as {@code model[@version]}. */
    public ModelRef shadowModel() {
        return variant(shadow.target()).map(Variant::ref).orElseGet(() -> ModelRef.parse(shadow.target()));
    }
}
