package io.qfserving.service.experiment;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;

/**
 * The statistics of the experiment report, on Apache Commons Statistics: the Wilson score interval,
 * the pooled two-proportion z-test and a non-inferiority test of one proportion against another.
 */
final class ProportionStatistics {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /** @param difference {@code a - b} */
    record ZTest(double difference, double z, double pValue) {}

    /**
     * @param difference candidate minus control
     * @param lowerBound the one-sided lower confidence bound of that difference
     * @param pValue of the null hypothesis "the candidate is worse by the margin or more"
     * @param nonInferior whether that hypothesis is rejected: the lower bound is above minus the margin
     */
    record NonInferiority(double difference, double lowerBound, double pValue, boolean nonInferior) {}

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

    /**
     * Two-sided z-test of "a and b have the same rate", with the pooled standard error. When neither
     * sample varies (both all successes or both all failures) there is no difference to test: z 0, p 1.
     */
    static ZTest twoProportionZTest(Proportion a, Proportion b) {
        double difference = a.rate() - b.rate();
        double pooled = (double) (a.successes() + b.successes()) / (a.trials() + b.trials());
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.trials() + 1.0 / b.trials()));
        if (se == 0) {
            return new ZTest(difference, 0, 1);
        }
        double z = difference / se;
        return new ZTest(difference, z, 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z)));
    }

    /**
     * One-sided test that the candidate's rate is not below the control's by {@code margin} or more,
     * with the unpooled (Wald) standard error of the difference, as non-inferiority trials use it.
     *
     * @param margin the largest acceptable loss, as a proportion (0.01 = 1 point); positive
     * @param confidence one-sided confidence, e.g. 0.95
     */
    static NonInferiority nonInferiority(Proportion control, Proportion candidate, double margin, double confidence) {
        double difference = candidate.rate() - control.rate();
        double se = Math.sqrt(variance(control) + variance(candidate));
        double lowerBound = difference - STANDARD_NORMAL.inverseSurvivalProbability(1 - confidence) * se;
        double pValue = STANDARD_NORMAL.survivalProbability((difference + margin) / se);
        return new NonInferiority(difference, lowerBound, pValue, lowerBound > -margin);
    }

    private static double variance(Proportion p) {
        return p.rate() * (1 - p.rate()) / p.trials();
    }
}
