package io.qfserving.service.experiment;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.numbers.gamma.LogBeta;
import org.apache.commons.numbers.rootfinder.BrentSolver;

/**
 * An anytime-valid confidence sequence for a Bernoulli rate, from its counts alone: Robbins'
 * beta-binomial mixture martingale (H. Robbins, "Statistical methods related to the law of the
 * iterated logarithm", Ann. Math. Statist. 41, 1970; T. L. Lai, "On confidence sequences", Ann.
 * Statist. 4(2), 1976; the conjugate-mixture boundaries of Howard, Ramdas, McAuliffe and Sekhon,
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2), 2021).
 *
 * <p>With a Beta(a, b) mixing distribution and S successes in t trials,
 * {@code M_t(p) = B(a + S, b + t - S) / (B(a, b) p^S (1 - p)^(t - S))} is a nonnegative martingale
 * with mean 1 when p is the true rate, so by Ville's inequality {@code P(M_t(p) >= 1/alpha for some t) <= alpha}.
 * The set {@code {p : M_t(p) < 1/alpha}} therefore holds the true rate at every t at once, with
 * probability at least {@code 1 - alpha}: it may be read after every observation and acted on at the
 * first look that decides, unlike a fixed-sample interval. Its width follows the rate's own variance,
 * so a rare event (top-1 disagreement near 1%) is pinned down in thousands of observations.
 *
 * <p>Jeffreys' Beta(1/2, 1/2) mixes: it puts weight near 0 and 1, where disagreement and error rates sit.
 */
public final class BernoulliConfidenceSequence {

    private static final double PRIOR = 0.5;
    private static final double LOG_BETA_PRIOR = LogBeta.value(PRIOR, PRIOR);
    private static final BrentSolver SOLVER = new BrentSolver(1e-12, 1e-12, 1e-10);
    /** Roots are searched this far inside (0, 1), where the logarithms stay finite. */
    private static final double EDGE = 1e-15;

    private BernoulliConfidenceSequence() {}

    /**
     * The interval at this look.
     *
     * @param successes S, at most {@code trials}
     * @param trials t; with none, the interval is [0, 1]
     * @param alpha the probability that the sequence ever misses the rate, e.g. 0.05
     */
    public static ExperimentReport.Interval interval(long successes, long trials, double alpha) {
        if (successes < 0 || successes > trials || !(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("need 0 <= successes <= trials and 0 < alpha < 1");
        }
        if (trials == 0) {
            return new ExperimentReport.Interval(0, 1);
        }
        long failures = trials - successes;
        double logMixture = LogBeta.value(PRIOR + successes, PRIOR + failures) - LOG_BETA_PRIOR;
        double threshold = Math.log(1 / alpha);
        // log M_t(p) is convex in p, smallest (and below 0) at p = S / t: the interval is where it stays under log(1/alpha).
        DoubleUnaryOperator excess =
                p -> logMixture - successes * Math.log(p) - failures * Math.log1p(-p) - threshold;
        double estimate = Math.clamp((double) successes / trials, EDGE, 1 - EDGE);
        double lower = successes == 0 ? 0 : SOLVER.findRoot(excess, EDGE, estimate);
        double upper = failures == 0 ? 1 : SOLVER.findRoot(excess, estimate, 1 - EDGE);
        return new ExperimentReport.Interval(lower, upper);
    }
}
