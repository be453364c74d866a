package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;

/** Every refused experiment says why, all problems at once. */
class ExperimentValidatorTests {

    private final ExperimentValidator validator = new ExperimentValidator(Fixtures.LOADED_MODELS);

    @Test
    void theIssuesFourArmExperimentIsValid() {
        Experiment experiment = Fixtures.allowingOverride(
                Fixtures.withShadow(Fixtures.fourArms(25, 25, 25, 25), new Shadow("qf-int8", 10)));

        assertThatCode(() -> validator.validate(experiment)).doesNotThrowAnyException();
    }

    @Test
    void aDecisionMustNameTwoDifferentVariants() {
        Experiment arms = Fixtures.fourArms(25, 25, 25, 25);
        assertRefused(new Experiment(arms.name(), arms.variants(), null, false, null,
                List.of(new Experiment.Pair("qf-int8", "resnet"), new Experiment.Pair("qf-int8", "qf-int8"))))
                .withMessageContaining("decision qf-int8 vs resnet names 'resnet', which is not a variant")
                .withMessageContaining("decision qf-int8 vs qf-int8 compares a variant with itself");
    }

    @Test
    void aNegativeWeightIsRefused() {
        assertRefused(Fixtures.fourArms(25, -1, 25, 25))
                .withMessageContaining("variant 'baseline-int8' has weight -1.0; weights must be finite and >= 0");
    }

    @Test
    void aWeightThatIsNotANumberIsRefused() {
        assertRefused(Fixtures.fourArms(25, Double.NaN, 25, 25))
                .withMessageContaining("variant 'baseline-int8' has weight NaN");
    }

    @Test
    void weightsSummingToZeroAreRefused() {
        assertRefused(Fixtures.fourArms(0, 0, 0, 0))
                .withMessageContaining("the weights must sum to more than 0, but no variant has a positive weight");
    }

    @Test
    void aModelThatIsNotLoadedIsRefused() {
        assertRefused(Fixtures.experiment(List.of(
                new Variant("baseline-float", "mobilenet-v2", null, 50),
                new Variant("qf-float", "qf-mobilenet-v2", "7", 50))))
                .withMessageContaining("variant 'qf-float' points at qf-mobilenet-v2@7, which is not loaded");
    }

    @Test
    void duplicateVariantNamesAreRefused() {
        assertRefused(Fixtures.experiment(List.of(
                new Variant("baseline", "mobilenet-v2", null, 50),
                new Variant("baseline", "mobilenet-v2-int8", null, 50))))
                .withMessageContaining("variant name 'baseline' is used twice");
    }

    @Test
    void aShadowPercentOutside0To100IsRefused() {
        assertRefused(Fixtures.withShadow(Fixtures.fourArms(25, 25, 25, 25), new Shadow("qf-int8", 150)))
                .withMessageContaining("shadow percent 150.0 is not between 0 and 100");
        assertRefused(Fixtures.withShadow(Fixtures.fourArms(25, 25, 25, 25), new Shadow("qf-int8", -5)))
                .withMessageContaining("shadow percent -5.0 is not between 0 and 100");
    }

    @Test
    void aShadowTargetMustBeAVariantOrALoadedModel() {
        assertThatCode(() -> validator.validate(
                Fixtures.withShadow(Fixtures.fourArms(100, 0, 0, 0), new Shadow("qf-mobilenet-v2-int8@1", 50))))
                .doesNotThrowAnyException();
        assertRefused(Fixtures.withShadow(Fixtures.fourArms(100, 0, 0, 0), new Shadow("resnet-50", 50)))
                .withMessageContaining("shadow target 'resnet-50' points at resnet-50, which is not loaded");
    }

    @Test
    void aShadowOfTheOnlyServingModelIsRefusedBecauseItWouldNeverRun() {
        assertRefused(Fixtures.withShadow(Fixtures.fourArms(0, 0, 0, 100), new Shadow("qf-int8", 50)))
                .withMessageContaining("shadow target qf-mobilenet-v2-int8@1 is the only model that serves traffic");
    }

    @Test
    void aControlThatIsNoVariantIsRefused() {
        Experiment e = Fixtures.fourArms(25, 25, 25, 25);
        assertRefused(new Experiment(e.name(), e.variants(), null, false, "baseline"))
                .withMessageContaining("control 'baseline' is not one of the variants");
    }

    @Test
    void allProblemsAreListedInOneMessage() {
        Experiment experiment = new Experiment("mobilenet-v2-ab", List.of(
                new Variant("a", "mobilenet-v2", null, -3),
                new Variant("a", "no-such-model", null, 0)), new Shadow("a", 101), false, null);

        assertThatThrownBy(() -> validator.validate(experiment))
                .isInstanceOfSatisfying(InvalidExperimentException.class, e -> assertThat(e.problems()).containsExactly(
                        "variant 'a' has weight -3.0; weights must be finite and >= 0",
                        "variant name 'a' is used twice",
                        "variant 'a' points at no-such-model, which is not loaded",
                        "the weights must sum to more than 0, but no variant has a positive weight",
                        "shadow percent 101.0 is not between 0 and 100"))
                .hasMessageStartingWith("experiment 'mobilenet-v2-ab' is invalid: variant 'a' has weight -3.0");
    }

    @Test
    void anExperimentNamedLikeALoadedModelIsRefusedBecauseItWouldHideThatModel() {
        Experiment experiment = Fixtures.fourArms(25, 25, 25, 25);

        assertRefused(new Experiment("qf-mobilenet-v2-int8", experiment.variants(), null, false, null))
                .withMessageContaining("experiment 'qf-mobilenet-v2-int8' has the name of a served model: clients asking for "
                        + "that model would get the experiment's variants; choose another name");
        assertThatCode(() -> validator.validate(experiment)).as("mobilenet-v2-ab is no model's name").doesNotThrowAnyException();
    }

    @Test
    void anExperimentWithoutVariantsIsRefused() {
        assertRefused(Fixtures.experiment(List.of())).withMessageContaining("it has no variants");
    }

    private ThrowableAssertAlternative<InvalidExperimentException> assertRefused(Experiment experiment) {
        return assertThatExceptionOfType(InvalidExperimentException.class)
                .isThrownBy(() -> validator.validate(experiment));
    }
}
