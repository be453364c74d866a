package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.List;

/**
 * How an experiment's variants compare, and what may replace what. Rates and differences are
 * proportions (0.81 = 81%, 0.01 = 1 point); values that cannot be known yet (no feedback, no
 * latency) are null.
 *
 * @param experiment the experiment's name
 * @param revision the experiment's revision: the report counts what happened since it was put in force
 * @param control the variant the others are compared with
 * @param variants one summary per variant, in the experiment's order
 * @param decisions the replace decision of each pair the experiment decides
 * @param notes what a reader must know to weigh the evidence
 * @param verdict the outcome in plain words, one clause per decision
 */
public record ExperimentReport(String experiment, long revision, String control, List<VariantSummary> variants,
        List<Decision> decisions, List<String> notes, String verdict) {

    public record Interval(double lower, double upper) {}

    /**
     * @param version the version of the variant's model that serves it now, whose statistics these are
     *     (null when none is loaded here)
     * @param accuracyInterval the Wilson score interval of the accuracy: a fixed-sample interval, valid
     *     for one look at this sample size only, shown for orientation; decisions never use it
     * @param paired feedback on images that this variant and the experiment's shadow both answered
     */
    public record VariantSummary(String variant, ModelRef model, String version, long requests, long feedback, Double accuracy,
            Interval accuracyInterval, Double p50Millis, Double p95Millis,
            Double shadowAgreement, long shadowComparisons, VariantCounters.PairedOutcomes paired) {}

    /**
     * May the candidate replace the control? Anytime-valid: the bounds hold at every look at once with
     * probability at least {@code 1 - alpha}, so acting on the first {@code replace} or {@code keep} is sound.
     *
     * @param state {@code replace} (the candidate is not worse by more than the margin), {@code keep}
     *     (it is worse by more than the margin) or {@code continue} (not known yet)
     * @param evidence what set the deciding bound: {@code agreement} (label-free shadow agreement),
     *     {@code paired} (labelled shadowed requests), {@code unpaired} (each arm's labelled traffic), or
     *     {@code none} before any observation
     * @param differenceLower lower bound of accuracy(candidate) - accuracy(control)
     * @param differenceUpper upper bound of the same
     * @param observations what the named evidence rests on: shadow comparisons, labelled pairs, or labels
     * @param margin the largest acceptable loss
     * @param alpha the error rate of the decision over all looks
     * @param projectedObservations further observations to a decision if the rates stay as they are,
     *     or null (decided already, no data yet, or no decision in sight)
     * @param p50Speedup the control's p50 latency over the candidate's (2.0 = twice as fast), or null
     */
    public record Decision(String candidate, String control, String state, String evidence, double differenceLower,
            double differenceUpper, long observations, double margin, double alpha, Long projectedObservations,
            Double p50Speedup) {}
}
