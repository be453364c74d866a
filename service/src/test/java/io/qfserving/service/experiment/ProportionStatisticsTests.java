package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The report's statistics against published worked examples, and the non-inferiority decision on clear cases. */
class ProportionStatisticsTests {

    /**
     * Newcombe RG, "Two-sided confidence intervals for the single proportion: comparison of seven
     * methods", Statistics in Medicine 17:857-872 (1998): its four illustrative examples, score
     * method without continuity correction (Wilson), printed to 4 decimals.
     */
    @ParameterizedTest(name = "{0}/{1} -> [{2}, {3}]")
    @CsvSource({
        "81, 263, 0.2553, 0.3662",
        "15, 148, 0.0624, 0.1605",
        "0,  20,  0.0000, 0.1611",
        "1,  29,  0.0061, 0.1718"})
    void wilsonIntervalMatchesNewcombesTable(long successes, long trials, double lower, double upper) {
        ExperimentReport.Interval interval = ProportionStatistics.wilson(new Proportion(successes, trials), 0.95);

        assertThat(interval.lower()).isCloseTo(lower, within(0.00005));
        assertThat(interval.upper()).isCloseTo(upper, within(0.00005));
    }

    /**
     * Worked example at usablestats.com/askstats/question/866: 118 of 3,303 against 80 of 3,303,
     * pooled standard error 0.004196, z = 2.74195, two-sided p = 0.00611.
     */
    @Test
    void pooledZTestMatchesAPublishedWorkedExample() {
        ProportionStatistics.ZTest test = ProportionStatistics.twoProportionZTest(new Proportion(118, 3303), new Proportion(80, 3303));

        assertThat(test.difference()).isCloseTo(0.01150, within(0.000005));
        assertThat(test.z()).isCloseTo(2.74195, within(0.000005));
        assertThat(test.pValue()).isCloseTo(0.00611, within(0.000005));
    }

    @Test
    void swappingTheSamplesNegatesZAndKeepsTheTwoSidedPValue() {
        Proportion a = new Proportion(730, 1000);
        Proportion b = new Proportion(771, 1100);

        ProportionStatistics.ZTest ab = ProportionStatistics.twoProportionZTest(a, b);
        ProportionStatistics.ZTest ba = ProportionStatistics.twoProportionZTest(b, a);

        assertThat(ba.z()).isCloseTo(-ab.z(), within(1e-12));
        assertThat(ba.pValue()).isCloseTo(ab.pValue(), within(1e-12));
        assertThat(ab.pValue()).isBetween(0.0, 1.0);
    }

    @Test
    void samplesThatDoNotVaryShowNoDifference() {
        ProportionStatistics.ZTest test = ProportionStatistics.twoProportionZTest(new Proportion(50, 50), new Proportion(80, 80));

        assertThat(test.z()).isZero();
        assertThat(test.pValue()).isEqualTo(1.0);
    }

    @Test
    void equalAccuracyOnManySamplesIsNonInferiorWithAWideMargin() {
        // difference 0, standard error sqrt(2 * 0.9 * 0.1 / 5000) = 0.006, lower bound -0.0099 > -0.02
        ProportionStatistics.NonInferiority ni = ProportionStatistics.nonInferiority(
                new Proportion(4500, 5000), new Proportion(4500, 5000), 0.02, 0.95);

        assertThat(ni.nonInferior()).isTrue();
        assertThat(ni.lowerBound()).isBetween(-0.02, 0.0);
        assertThat(ni.pValue()).isLessThan(0.05);
    }

    @Test
    void aCandidateTenPointsWorseIsNotNonInferior() {
        ProportionStatistics.NonInferiority ni = ProportionStatistics.nonInferiority(
                new Proportion(900, 1000), new Proportion(800, 1000), 0.01, 0.95);

        assertThat(ni.nonInferior()).isFalse();
        assertThat(ni.difference()).isCloseTo(-0.10, within(1e-12));
        assertThat(ni.pValue()).isGreaterThan(0.95);
    }

    @Test
    void equalAccuracyOnFewSamplesCannotBeShownNonInferior() {
        // same observed accuracy, but 20 labels each leave the difference uncertain by about +-15 points
        ProportionStatistics.NonInferiority ni = ProportionStatistics.nonInferiority(
                new Proportion(18, 20), new Proportion(18, 20), 0.01, 0.95);

        assertThat(ni.difference()).isZero();
        assertThat(ni.nonInferior()).isFalse();
        assertThat(ni.lowerBound()).isLessThan(-0.10);
    }

    @Test
    void aClearlyBetterCandidateIsNonInferiorEvenWithATightMargin() {
        ProportionStatistics.NonInferiority ni = ProportionStatistics.nonInferiority(
                new Proportion(700, 1000), new Proportion(800, 1000), 0.001, 0.95);

        assertThat(ni.nonInferior()).isTrue();
        assertThat(ni.lowerBound()).isPositive();
    }
}
