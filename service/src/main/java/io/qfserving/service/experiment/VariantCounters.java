package io.qfserving.service.experiment;

/**
 * What the serving side counted for one variant, as the report's input.
 *
 * @param requests requests it answered
 * @param correct feedback that confirmed its top-1 answer
 * @param incorrect feedback that contradicted it
 * @param p50Millis median latency in milliseconds, or null when unknown
 * @param p95Millis 95th percentile latency in milliseconds, or null when unknown
 * @param shadowAgreements mirrored requests whose shadow gave the same top-1 answer as this variant
 * @param shadowComparisons mirrored requests of this variant whose shadow answered
 * @param paired feedback on images that this variant and its shadow both answered
 */
public record VariantCounters(long requests, long correct, long incorrect, Double p50Millis, Double p95Millis,
        long shadowAgreements, long shadowComparisons, PairedOutcomes paired) {

    /**
     * Labelled images answered by both the variant (primary) and the shadow, by who was right: the
     * paired comparison's input, where only the discordant cells carry information.
     */
    public record PairedOutcomes(long bothCorrect, long onlyPrimaryCorrect, long onlyShadowCorrect, long neitherCorrect) {

        public static final PairedOutcomes NONE = new PairedOutcomes(0, 0, 0, 0);

        public PairedOutcomes {
            if (bothCorrect < 0 || onlyPrimaryCorrect < 0 || onlyShadowCorrect < 0 || neitherCorrect < 0) {
                throw new IllegalArgumentException("paired outcome counts must be >= 0");
            }
        }

        public long total() {
            return bothCorrect + onlyPrimaryCorrect + onlyShadowCorrect + neitherCorrect;
        }
    }

    public VariantCounters {
        if (requests < 0 || correct < 0 || incorrect < 0 || shadowAgreements < 0 || shadowAgreements > shadowComparisons) {
            throw new IllegalArgumentException("counters must be >= 0, and agreements at most comparisons");
        }
    }

    /** A variant that has seen nothing yet. */
    public static VariantCounters none() {
        return new VariantCounters(0, 0, 0, null, null, 0, 0, PairedOutcomes.NONE);
    }

    long feedback() {
        return correct + incorrect;
    }
}
