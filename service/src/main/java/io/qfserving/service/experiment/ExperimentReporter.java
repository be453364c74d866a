package io.qfserving.service.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns an experiment's per-variant counters into its report: accuracy with Wilson intervals,
 * pairwise z-tests, a non-inferiority test of every variant against the control, and a verdict.
 */
public final class ExperimentReporter {

    private final ReportSettings settings;
    private final VerdictWriter verdicts;

    public ExperimentReporter(ReportSettings settings) {
        this.settings = settings;
        this.verdicts = new VerdictWriter(settings);
    }

    /**
     * @param stored the experiment as it runs now
     * @param counters of that revision, by variant name; a variant without an entry has seen nothing yet
     */
    public ExperimentReport report(StoredExperiment stored, Map<String, VariantCounters> counters) {
        Experiment experiment = stored.experiment();
        Function<Variant, VariantCounters> countersOf = v -> counters.getOrDefault(v.name(), VariantCounters.none());
        String control = experiment.controlVariant();
        VariantCounters controlCounters = countersOf.apply(experiment.variant(control).orElseThrow());
        List<ExperimentReport.Comparison> comparisons = new ArrayList<>();
        List<String> verdict = new ArrayList<>();
        for (Variant candidate : experiment.variants()) {
            if (candidate.name().equals(control)) {
                continue;
            }
            VariantCounters c = countersOf.apply(candidate);
            Double speedup = p50Speedup(controlCounters, c);
            if (enoughFeedback(c) && enoughFeedback(controlCounters)) {
                ExperimentReport.Comparison comparison = compare(candidate.name(), control, controlCounters, c, speedup);
                comparisons.add(comparison);
                verdict.add(verdicts.judged(comparison));
            } else {
                verdict.add(verdicts.notEnoughFeedback(candidate.name(), control, c.feedback(), controlCounters.feedback(), speedup));
            }
        }
        List<ExperimentReport.VariantSummary> summaries = experiment.variants().stream()
                .map(v -> summarize(v, countersOf.apply(v))).toList();
        String line = verdict.isEmpty() ? "only one variant, so there is nothing to compare" : String.join("; ", verdict);
        return new ExperimentReport(experiment.name(), stored.revision(), control, summaries,
                pairwiseTests(experiment.variants(), countersOf), comparisons, line);
    }

    private List<ExperimentReport.PairwiseTest> pairwiseTests(List<Variant> variants, Function<Variant, VariantCounters> countersOf) {
        List<ExperimentReport.PairwiseTest> tests = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            for (int j = i + 1; j < variants.size(); j++) {
                VariantCounters a = countersOf.apply(variants.get(i));
                VariantCounters b = countersOf.apply(variants.get(j));
                if (enoughFeedback(a) && enoughFeedback(b)) {
                    ProportionStatistics.ZTest t = ProportionStatistics.twoProportionZTest(accuracy(a), accuracy(b));
                    tests.add(new ExperimentReport.PairwiseTest(variants.get(i).name(), variants.get(j).name(),
                            t.difference(), t.z(), t.pValue()));
                }
            }
        }
        return tests;
    }

    private ExperimentReport.Comparison compare(String candidate, String control, VariantCounters controlCounters,
                                                VariantCounters candidateCounters, Double speedup) {
        ProportionStatistics.NonInferiority ni = ProportionStatistics.nonInferiority(accuracy(controlCounters),
                accuracy(candidateCounters), settings.marginPoints() / 100, settings.confidence());
        return new ExperimentReport.Comparison(candidate, control, ni.difference(), ni.lowerBound(), ni.pValue(),
                ni.nonInferior(), speedup);
    }

    private ExperimentReport.VariantSummary summarize(Variant variant, VariantCounters c) {
        Double accuracy = null;
        ExperimentReport.Interval interval = null;
        if (c.feedback() > 0) {
            accuracy = accuracy(c).rate();
            interval = ProportionStatistics.wilson(accuracy(c), settings.confidence());
        }
        Double agreement = c.shadowComparisons() > 0 ? (double) c.shadowAgreements() / c.shadowComparisons() : null;
        return new ExperimentReport.VariantSummary(variant.name(), variant.ref(), c.requests(), c.feedback(), accuracy,
                interval, c.p50Millis(), c.p95Millis(), agreement, c.shadowComparisons(), c.paired());
    }

    private boolean enoughFeedback(VariantCounters c) {
        return c.feedback() >= settings.minimumFeedback();
    }

    private static Proportion accuracy(VariantCounters c) {
        return new Proportion(c.correct(), c.feedback());
    }

    private static Double p50Speedup(VariantCounters control, VariantCounters candidate) {
        boolean known = control.p50Millis() != null && candidate.p50Millis() != null
                && control.p50Millis() > 0 && candidate.p50Millis() > 0;
        return known ? control.p50Millis() / candidate.p50Millis() : null;
    }
}
