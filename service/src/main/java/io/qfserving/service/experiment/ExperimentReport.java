package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.List;

/**
 * How an experiment's variants compare. Rates and differences are proportions (0.81 = 81%); values
 * that cannot be known yet (no feedback, no latency) are null.
 *
 * @param experiment the experiment's name
 * @param revision the experiment's revision: the report counts what happened since it was put in force
 * @param control the variant the others are compared with
 * @param variants one summary per variant, in the experiment's order
 * @param pairwiseTests a two-sided z-test for every pair of variants with enough feedback (p-values
 *     not adjusted for the number of pairs)
 * @param comparisons a non-inferiority test of each other variant with enough feedback against the control
 * @param verdict the outcome in one line of plain words
 */
public record ExperimentReport(String experiment, long revision, String control, List<VariantSummary> variants,
                               List<PairwiseTest> pairwiseTests, List<Comparison> comparisons, String verdict) {

    public record Interval(double lower, double upper) {}

    /**
     * @param paired feedback on images that this variant and the experiment's shadow both answered
     */
    public record VariantSummary(String variant, ModelRef model, long requests, long feedback, Double accuracy,
                                 Interval accuracyInterval, Double p50Millis, Double p95Millis,
                                 Double shadowAgreement, long shadowComparisons, VariantCounters.PairedOutcomes paired) {}

    /** @param difference the first variant's accuracy minus the second's */
    public record PairwiseTest(String first, String second, double difference, double z, double pValue) {}

    /**
     * @param difference the candidate's accuracy minus the control's
     * @param lowerBound the one-sided lower confidence bound of that difference
     * @param pValue of "the candidate is worse by the margin or more"
     * @param nonInferior whether the candidate is shown not worse than the control by more than the margin
     * @param p50Speedup the control's p50 latency over the candidate's (2.0 = twice as fast), or null
     */
    public record Comparison(String candidate, String control, double difference, double lowerBound, double pValue,
                             boolean nonInferior, Double p50Speedup) {}
}
