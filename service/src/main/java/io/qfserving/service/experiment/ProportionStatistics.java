package io.qfserving.service.experiment;

import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;

/**
 * The fixed-sample statistics of the experiment report, on Apache Commons Statistics: the Wilson
 * score interval shown beside each accuracy. Decisions use {@link BernoulliConfidenceSequence} instead.
 */
final class ProportionStatistics {

    private ProportionStatistics() {}

    /**
     * The Wilson score interval of the proportion at the given two-sided confidence (e.g. 0.95). The
     * library counts in ints: more than 2^31 trials throw {@link ArithmeticException}.
     */
    static ExperimentReport.Interval wilson(Proportion p, double confidence) {
        Interval interval = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(
                Math.toIntExact(p.trials()), Math.toIntExact(p.successes()), 1 - confidence);
        return new ExperimentReport.Interval(interval.getLowerBound(), interval.getUpperBound());
    }
}
