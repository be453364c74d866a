package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;
import org.junit.jupiter.api.Test;

/**
 * The replace decision against its stated guarantee, by seeded simulation: read after every 50
 * observations up to 20,000 (a dashboard refreshed all day), it says {@code replace} for a candidate
 * that truly loses the margin at most alpha of the time, for each kind of evidence; the fixed-sample
 * Wald test it replaced, read the same way, does not keep its 5%. Also prints how many observations
 * each kind needs when the candidate loses nothing. {@code -Dqf.simulation.runs} sets the runs per
 * case (300 here; more for a tighter estimate).
 */
class ReplaceDecisionSimulationTests {

    private static final int RUNS = Integer.getInteger("qf.simulation.runs", 300);
    private static final int LOOK_EVERY = 50;
    private static final int HORIZON = 20_000;
    private static final double MARGIN = 0.01;
    private static final double ALPHA = 0.05;
    private static final double Z_95 = NormalDistribution.of(0, 1).inverseSurvivalProbability(ALPHA);

    private static final Experiment SHADOWED = Fixtures.withShadow(Fixtures.experiment(List.of(
            new Variant("control", "qf-mobilenet-v2", null, 50),
            new Variant("candidate", "qf-mobilenet-v2-int8", null, 50))), new Shadow("candidate", 100));
    private static final Experiment.Pair PAIR = new Experiment.Pair("candidate", "control");

    private final ReplaceDecider decider = new ReplaceDecider(MARGIN, ALPHA);

    /** One simulated stream: the counters after each observation, read by the decision every {@link #LOOK_EVERY}. */
    private interface Stream {
        Map<String, VariantCounters> observe(SplittableRandom random);
    }

    @Test
    void theConfidenceSequenceHoldsTheRateAtEveryLookAtOnce() {
        for (double rate : new double[] {0.005, 0.02, 0.3}) {
            SplittableRandom random = new SplittableRandom(11);
            int missed = 0;
            for (int run = 0; run < RUNS; run++) {
                long successes = 0;
                for (int t = 1; t <= HORIZON / 4; t++) {
                    successes += random.nextDouble() < rate ? 1 : 0;
                    if (t % LOOK_EVERY == 0) {
                        ExperimentReport.Interval interval = BernoulliConfidenceSequence.interval(successes, t, ALPHA);
                        if (rate < interval.lower() || rate > interval.upper()) {
                            missed++;
                            break;
                        }
                    }
                }
            }
            report("rate " + rate + ": sequence missed it at some look", missed);
            assertThat((double) missed / RUNS).as("miss rate at p = %s", rate).isLessThanOrEqualTo(ALPHA);
        }
    }

    @Test
    void labelFreeAgreementRarelyReplacesACandidateThatLosesTheMargin() {
        // Every disagreement is an image only the control got right: the candidate loses exactly the margin.
        double falseReplace = falseReplaceRate("agreement", random -> {
            boolean disagree = random.nextDouble() < MARGIN;
            return disagree ? 1 : 0;
        });
        assertThat(falseReplace).isLessThanOrEqualTo(ALPHA);
    }

    @Test
    void pairedLabelsRarelyReplaceACandidateThatLosesTheMargin() {
        // 2% discordant pairs: 1.5% only the control right, 0.5% only the candidate right; d = -1 point.
        double falseReplace = falseReplaceRate("paired", random -> {
            double u = random.nextDouble();
            return u < 0.015 ? 2 : u < 0.02 ? 3 : 0;
        });
        assertThat(falseReplace).isLessThanOrEqualTo(ALPHA);
    }

    @Test
    void unpairedLabelsRarelyReplaceACandidateThatLosesTheMarginWhileTheWaldTestOftenDoes() {
        SplittableRandom random = new SplittableRandom(13);
        int replaced = 0;
        int waldSaidNotWorse = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] correct = new long[2];
            long[] labels = new long[2];
            boolean decided = false;
            boolean waldDecided = false;
            for (int t = 1; t <= HORIZON; t++) {
                int arm = t % 2;
                labels[arm]++;
                // arm 0: the candidate, 79% accurate; arm 1: the control, 80%.
                correct[arm] += random.nextDouble() < (arm == 0 ? 0.79 : 0.80) ? 1 : 0;
                if (t % LOOK_EVERY == 0) {
                    Map<String, VariantCounters> counters = Map.of(
                            "candidate", labelled(correct[0], labels[0]), "control", labelled(correct[1], labels[1]));
                    decided |= decider.bounds(SHADOWED, PAIR, counters).state().equals("replace");
                    waldDecided |= waldNotWorse(correct[0], labels[0], correct[1], labels[1]);
                }
            }
            replaced += decided ? 1 : 0;
            waldSaidNotWorse += waldDecided ? 1 : 0;
        }
        report("unpaired, loss = margin: false replace", replaced);
        report("unpaired, loss = margin: Wald non-inferiority read at every look said not worse", waldSaidNotWorse);
        assertThat((double) replaced / RUNS).isLessThanOrEqualTo(ALPHA);
        assertThat((double) waldSaidNotWorse / RUNS).as("peeking inflates the fixed-sample test's 5%").isGreaterThan(ALPHA);
    }

    @Test
    void whenTheCandidateLosesNothingPairedLabelsDecideLongBeforeSplitTraffic() {
        for (double disagreement : new double[] {0.005, 0.01, 0.02}) {
            // Discordant pairs split evenly: the candidate loses nothing.
            int labelFree = observationsToReplace("agreement", disagreement, 200_000);
            int paired = observationsToReplace("paired", disagreement, 200_000);
            System.out.printf(Locale.ROOT, "disagreement %.1f%%, no loss: median observations to replace: agreement %s, paired %s%n",
                    disagreement * 100, labelFree < 0 ? "never (it bounds the loss by the disagreement itself)" : labelFree, paired);
            if (disagreement < MARGIN) {
                assertThat(labelFree).as("agreement decides when less than the margin disagrees").isPositive();
            } else {
                assertThat(labelFree).as("agreement cannot show a loss below the margin when the margin or more disagrees").isNegative();
            }
            assertThat(paired).isPositive().isLessThan(200_000);
        }
        int unpaired = unpairedObservationsToReplace(0.80, 400_000);
        System.out.printf(Locale.ROOT, "accuracy 80%% on both arms: median labels to replace, unpaired: %s%n",
                unpaired < 0 ? "more than 400000" : unpaired);
        assertThat(unpaired < 0 || unpaired > observationsToReplace("paired", 0.02, 200_000)).isTrue();
    }

    /**
     * The share of runs in which the decision ever says replace, with the stream of one kind of
     * evidence: 0 an agreeing image, 1 a disagreeing one (agreement); for labelled pairs 0 concordant,
     * 2 only the control right, 3 only the candidate right.
     */
    private double falseReplaceRate(String kind, ToIntFunction<SplittableRandom> outcome) {
        SplittableRandom random = new SplittableRandom(kind.hashCode());
        int replaced = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] counts = new long[4];
            for (int t = 1; t <= HORIZON; t++) {
                counts[outcome.applyAsInt(random)]++;
                if (t % LOOK_EVERY == 0 && decider.bounds(SHADOWED, PAIR, shadowCounters(kind, counts, t)).state().equals("replace")) {
                    replaced++;
                    break;
                }
            }
        }
        report(kind + ", loss = margin: false replace", replaced);
        return (double) replaced / RUNS;
    }

    /** Median observations until replace when the candidate loses nothing, or -1 when most runs never do within the horizon. */
    private int observationsToReplace(String kind, double disagreement, int horizon) {
        SplittableRandom random = new SplittableRandom(17);
        int[] needed = new int[RUNS / 10];
        for (int run = 0; run < needed.length; run++) {
            long[] counts = new long[4];
            needed[run] = Integer.MAX_VALUE;
            for (int t = 1; t <= horizon; t++) {
                double u = random.nextDouble();
                counts[kind.equals("agreement") ? (u < disagreement ? 1 : 0) : (u < disagreement / 2 ? 2 : u < disagreement ? 3 : 0)]++;
                if (t % LOOK_EVERY == 0 && decider.bounds(SHADOWED, PAIR, shadowCounters(kind, counts, t)).state().equals("replace")) {
                    needed[run] = t;
                    break;
                }
            }
        }
        return median(needed);
    }

    private int unpairedObservationsToReplace(double accuracy, int horizon) {
        SplittableRandom random = new SplittableRandom(19);
        int[] needed = new int[RUNS / 30];
        for (int run = 0; run < needed.length; run++) {
            long[] correct = new long[2];
            needed[run] = Integer.MAX_VALUE;
            for (int t = 1; t <= horizon; t++) {
                correct[t % 2] += random.nextDouble() < accuracy ? 1 : 0;
                if (t % (LOOK_EVERY * 20) == 0 && decider.bounds(SHADOWED, PAIR, Map.of(
                        "candidate", labelled(correct[0], t / 2), "control", labelled(correct[1], t - t / 2))).state().equals("replace")) {
                    needed[run] = t;
                    break;
                }
            }
        }
        return median(needed);
    }

    /** The control's counters as the shadow fills them: comparisons only (agreement), or labelled pairs only (paired). */
    private static Map<String, VariantCounters> shadowCounters(String kind, long[] counts, long observations) {
        VariantCounters control = kind.equals("agreement")
                ? new VariantCounters(observations, 0, 0, null, null, counts[0], observations, VariantCounters.PairedOutcomes.NONE)
                : new VariantCounters(observations, counts[0] + counts[2], counts[3], null, null, 0, 0,
                        new VariantCounters.PairedOutcomes(counts[0], counts[2], counts[3], 0));
        return Map.of("control", control);
    }

    private static VariantCounters labelled(long correct, long labels) {
        return new VariantCounters(labels, correct, labels - correct, null, null, 0, 0, VariantCounters.PairedOutcomes.NONE);
    }

    /** The fixed-sample non-inferiority test the report used before: one-sided 95% Wald lower bound above -margin. */
    private static boolean waldNotWorse(long candidateCorrect, long candidateLabels, long controlCorrect, long controlLabels) {
        double a = (double) candidateCorrect / candidateLabels;
        double b = (double) controlCorrect / controlLabels;
        double se = Math.sqrt(a * (1 - a) / candidateLabels + b * (1 - b) / controlLabels);
        return a - b - Z_95 * se > -MARGIN;
    }

    private static int median(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        int median = sorted[sorted.length / 2];
        return median == Integer.MAX_VALUE ? -1 : median;
    }

    /** Prints a measured rate with its own 95% Wilson interval. */
    private static void report(String what, int count) {
        Interval interval = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(RUNS, count, 0.05);
        System.out.printf(Locale.ROOT, "%s: %d of %d runs = %.3f (95%% interval %.3f-%.3f)%n", what, count, RUNS,
                (double) count / RUNS, interval.getLowerBound(), interval.getUpperBound());
    }
}
