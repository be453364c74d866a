package io.qfserving.service.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replace decision for one candidate/control pair: may the candidate replace the control without
 * losing more than the margin of top-1 accuracy? Decided from anytime-valid confidence sequences
 * ({@link BernoulliConfidenceSequence}), so the report may be read after every request and acted on
 * the first time it decides, with an error rate of at most alpha.
 *
 * <p>Three kinds of evidence bound {@code d = accuracy(candidate) - accuracy(control)}:
 * <ul>
 *   <li>{@code agreement}, label-free: where one of the two is the experiment's shadow behind the
 *       other, the same image went to both. On one image, models whose top-1 agree are both right or
 *       both wrong, so {@code |d| <= P(disagree)}, and an upper bound on the disagreement rate bounds d.</li>
 *   <li>{@code paired}: shadowed requests that got feedback. Only discordant pairs move d:
 *       {@code d = P(only the candidate right) - P(only the control right)}, each rate bounded.</li>
 *   <li>{@code unpaired}: each arm's own labelled traffic; d is bounded by the two accuracies' bounds.</li>
 * </ul>
 * Each kind gets a third of alpha (split again between its two rates where it has two), so the
 * intersection of their intervals holds d with probability at least {@code 1 - alpha}; the kind that
 * set the deciding bound is named. {@code replace} when the lower bound is above {@code -margin},
 * {@code keep} when the upper bound is below it, else {@code continue}.
 */
final class ReplaceDecider {

    /** The furthest a projection looks: this many times the observations so far. */
    private static final double MAX_SCALE = 1 << 20;

    private final double margin;
    private final double alpha;

    /**
     * @param margin the largest acceptable loss, as a proportion (0.01 = 1 point)
     * @param alpha the probability that any decision of a pair is wrong, over all looks
     */
    ReplaceDecider(double margin, double alpha) {
        this.margin = margin;
        this.alpha = alpha;
    }

    /** One kind of evidence: counts of Bernoulli outcomes whose rates bound d. */
    private sealed interface Evidence {

        String name();

        long observations();

        /** The interval of d at this error rate. */
        ExperimentReport.Interval difference(double errorRate);

        /** The same evidence with every count multiplied by {@code scale}, as more traffic at the same rates would give. */
        Evidence scaled(double scale);
    }

    /** Top-1 disagreements among shadow comparisons: {@code |d| <= P(disagree)}. */
    private record Agreement(long disagreements, long comparisons) implements Evidence {
        public String name() {
            return "agreement";
        }

        public long observations() {
            return comparisons;
        }

        public ExperimentReport.Interval difference(double errorRate) {
            double upper = BernoulliConfidenceSequence.interval(disagreements, comparisons, errorRate).upper();
            return new ExperimentReport.Interval(-upper, upper);
        }

        public Evidence scaled(double scale) {
            return new Agreement(Math.round(disagreements * scale), Math.round(comparisons * scale));
        }
    }

    /**
     * Two rates whose difference is d: of one sample (paired: only the candidate right, only the
     * control right, out of the labelled pairs) or of two (unpaired: each arm's accuracy).
     */
    private record TwoRates(String name, long candidateSuccesses, long candidateTrials, long controlSuccesses, long controlTrials)
            implements Evidence {

        public long observations() {
            return name.equals("paired") ? candidateTrials : candidateTrials + controlTrials;
        }

        public ExperimentReport.Interval difference(double errorRate) {
            ExperimentReport.Interval candidate = BernoulliConfidenceSequence.interval(candidateSuccesses, candidateTrials, errorRate / 2);
            ExperimentReport.Interval control = BernoulliConfidenceSequence.interval(controlSuccesses, controlTrials, errorRate / 2);
            return new ExperimentReport.Interval(candidate.lower() - control.upper(), candidate.upper() - control.lower());
        }

        public Evidence scaled(double scale) {
            return new TwoRates(name, Math.round(candidateSuccesses * scale), Math.round(candidateTrials * scale),
                    Math.round(controlSuccesses * scale), Math.round(controlTrials * scale));
        }
    }

    private record Bounded(Evidence evidence, ExperimentReport.Interval difference) {}

    /** The bounds of d and the state they decide, without the projection (what a simulation looks at). */
    record Bounds(String state, String evidence, double lower, double upper, long observations) {}

    ExperimentReport.Decision decide(Experiment experiment, Experiment.Pair pair, Map<String, VariantCounters> counters,
            Double p50Speedup) {
        List<Evidence> evidence = evidence(experiment, pair, counters);
        Bounds bounds = bounds(evidence);
        Long projected = bounds.state().equals("continue") ? projected(evidence, alpha / 3) : null;
        return new ExperimentReport.Decision(pair.candidate(), pair.control(), bounds.state(), bounds.evidence(),
                bounds.lower(), bounds.upper(), bounds.observations(), margin, alpha, projected, p50Speedup);
    }

    Bounds bounds(Experiment experiment, Experiment.Pair pair, Map<String, VariantCounters> counters) {
        return bounds(evidence(experiment, pair, counters));
    }

    private Bounds bounds(List<Evidence> evidence) {
        double share = alpha / 3;
        List<Bounded> bounded = evidence.stream().map(e -> new Bounded(e, e.difference(share))).toList();
        double lower = bounded.stream().mapToDouble(b -> b.difference().lower()).max().orElse(-1);
        double upper = bounded.stream().mapToDouble(b -> b.difference().upper()).min().orElse(1);
        String state;
        Optional<Bounded> deciding;
        if (lower > -margin) {
            state = "replace";
            deciding = bounded.stream().max(Comparator.comparingDouble(b -> b.difference().lower()));
        } else if (upper < -margin) {
            state = "keep";
            deciding = bounded.stream().min(Comparator.comparingDouble(b -> b.difference().upper()));
        } else {
            state = "continue";
            deciding = bounded.stream().filter(b -> b.evidence().observations() > 0)
                    .min(Comparator.comparingDouble(b -> b.difference().upper() - b.difference().lower()));
        }
        return new Bounds(state, deciding.map(b -> b.evidence().name()).orElse("none"), Math.max(lower, -1), Math.min(upper, 1),
                deciding.map(b -> b.evidence().observations()).orElse(0L));
    }

    private List<Evidence> evidence(Experiment experiment, Experiment.Pair pair, Map<String, VariantCounters> counters) {
        VariantCounters candidate = counters.getOrDefault(pair.candidate(), VariantCounters.none());
        VariantCounters control = counters.getOrDefault(pair.control(), VariantCounters.none());
        List<Evidence> evidence = new ArrayList<>(3);
        // Shadow copies of the control's requests ran on the candidate, or the other way round.
        boolean candidateShadowsControl = isShadow(experiment, pair.candidate());
        if (candidateShadowsControl || isShadow(experiment, pair.control())) {
            VariantCounters primary = candidateShadowsControl ? control : candidate;
            evidence.add(new Agreement(primary.shadowComparisons() - primary.shadowAgreements(), primary.shadowComparisons()));
            VariantCounters.PairedOutcomes paired = primary.paired();
            long shadowOnly = paired.onlyShadowCorrect();
            long primaryOnly = paired.onlyPrimaryCorrect();
            evidence.add(new TwoRates("paired", candidateShadowsControl ? shadowOnly : primaryOnly, paired.total(),
                    candidateShadowsControl ? primaryOnly : shadowOnly, paired.total()));
        }
        evidence.add(new TwoRates("unpaired", candidate.correct(), candidate.feedback(), control.correct(), control.feedback()));
        return evidence;
    }

    private static boolean isShadow(Experiment experiment, String variant) {
        return experiment.shadow() != null && experiment.variant(variant).map(v -> v.ref().equals(experiment.shadowModel())).orElse(false);
    }

    /**
     * How many more observations, at the rates seen so far, until some evidence alone would decide:
     * the smallest scale of its counts that decides, found by doubling and then bisection. Null when
     * none would within {@link #MAX_SCALE} times the data so far (or there is none yet).
     */
    private Long projected(List<Evidence> evidence, double share) {
        Long best = null;
        for (Evidence e : evidence) {
            if (e.observations() == 0) {
                continue;
            }
            double low = 1;
            double high = 2;
            while (high <= MAX_SCALE && !decides(e.scaled(high), share)) {
                low = high;
                high *= 2;
            }
            if (high > MAX_SCALE) {
                continue;
            }
            for (int i = 0; i < 20 && high - low > 1.0 / e.observations(); i++) {
                double middle = (low + high) / 2;
                if (decides(e.scaled(middle), share)) {
                    high = middle;
                } else {
                    low = middle;
                }
            }
            long more = (long) Math.ceil((high - 1) * e.observations());
            best = best == null ? more : Math.min(best, more);
        }
        return best;
    }

    private boolean decides(Evidence evidence, double share) {
        ExperimentReport.Interval d = evidence.difference(share);
        return d.lower() > -margin || d.upper() < -margin;
    }
}
