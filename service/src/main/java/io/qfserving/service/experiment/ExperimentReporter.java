package io.qfserving.service.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns an experiment's per-variant counters into its report: accuracy with Wilson intervals for
 * display, latency, shadow agreement, and the anytime-valid replace decision of each pair it decides.
 */
public final class ExperimentReporter {

    /**
     * Shadow copies run only while the server has spare capacity, so their evidence describes the
     * traffic of quieter moments; said in every report that uses them.
     */
    static final String SHADOW_SAMPLE_NOTE = "shadow copies run only while the server has spare capacity: agreement "
            + "and paired evidence describe the traffic of quieter moments, a time-biased sample of all traffic";

    private final ReportSettings settings;
    private final ReplaceDecider decider;
    private final VerdictWriter verdicts;

    public ExperimentReporter(ReportSettings settings) {
        this.settings = settings;
        this.decider = new ReplaceDecider(settings.marginPoints() / 100, 1 - settings.confidence());
        this.verdicts = new VerdictWriter();
    }

    /**
     * @param stored the experiment as it runs now
     * @param tallies the counters of that revision by {@link CounterKey#tally()}, as the store keeps them
     * @param versions the model versions serving now: each variant is reported for its current version,
     *     and its shadow evidence for the current versions of its model and the shadow's, so that the
     *     statistics restart when either version changes
     */
    public ExperimentReport report(StoredExperiment stored, Map<String, VariantCounters> tallies, CurrentVersions versions) {
        Experiment experiment = stored.experiment();
        Map<String, VariantCounters> counters = current(experiment, tallies, versions);
        Function<String, VariantCounters> countersOf = v -> counters.getOrDefault(v, VariantCounters.none());
        List<ExperimentReport.Decision> decisions = new ArrayList<>();
        for (Experiment.Pair pair : experiment.decisions()) {
            decisions.add(decider.decide(experiment, pair, counters,
                    p50Speedup(countersOf.apply(pair.control()), countersOf.apply(pair.candidate()))));
        }
        List<ExperimentReport.VariantSummary> summaries = experiment.variants().stream()
                .map(v -> summarize(v, versions.of(v.ref()).orElse(null), countersOf.apply(v.name()))).toList();
        List<String> notes = experiment.shadow() != null ? List.of(SHADOW_SAMPLE_NOTE) : List.of();
        String line = decisions.isEmpty() ? "only one variant, so there is nothing to decide"
                : String.join("; ", decisions.stream().map(verdicts::judged).toList());
        return new ExperimentReport(experiment.name(), stored.revision(), experiment.controlVariant(), summaries, decisions, notes, line);
    }

    /** Each variant's counters under its model's current version, with its shadow evidence under the shadow's current version. */
    private static Map<String, VariantCounters> current(Experiment experiment, Map<String, VariantCounters> tallies,
            CurrentVersions versions) {
        Optional<String> shadowVersion = experiment.shadow() == null ? Optional.empty() : versions.of(experiment.shadowModel());
        Map<String, VariantCounters> counters = new HashMap<>();
        for (Variant variant : experiment.variants()) {
            versions.of(variant.ref()).ifPresent(version -> {
                CounterKey key = CounterKey.served(experiment.name(), 0, variant.name(), version);
                VariantCounters served = tallies.getOrDefault(key.tally(), VariantCounters.none());
                VariantCounters shadowed = shadowVersion.map(shadow -> tallies.get(key.shadowedBy(shadow).tally()))
                        .orElse(VariantCounters.none());
                counters.put(variant.name(), new VariantCounters(served.requests(), served.correct(), served.incorrect(),
                        served.p50Millis(), served.p95Millis(), shadowed.shadowAgreements(), shadowed.shadowComparisons(),
                        shadowed.paired()));
            });
        }
        return counters;
    }

    private ExperimentReport.VariantSummary summarize(Variant variant, String version, VariantCounters c) {
        Double accuracy = null;
        ExperimentReport.Interval interval = null;
        if (c.feedback() > 0) {
            Proportion correct = new Proportion(c.correct(), c.feedback());
            accuracy = correct.rate();
            interval = ProportionStatistics.wilson(correct, settings.confidence());
        }
        Double agreement = c.shadowComparisons() > 0 ? (double) c.shadowAgreements() / c.shadowComparisons() : null;
        return new ExperimentReport.VariantSummary(variant.name(), variant.ref(), version, c.requests(), c.feedback(), accuracy,
                interval, c.p50Millis(), c.p95Millis(), agreement, c.shadowComparisons(), c.paired());
    }

    private static Double p50Speedup(VariantCounters control, VariantCounters candidate) {
        boolean known = control.p50Millis() != null && candidate.p50Millis() != null
                && control.p50Millis() > 0 && candidate.p50Millis() > 0;
        return known ? control.p50Millis() / candidate.p50Millis() : null;
    }
}
