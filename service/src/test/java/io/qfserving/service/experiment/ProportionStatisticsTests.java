package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
