package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.service.repository.ModelRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report: per-variant numbers, the replace decisions, and its verdict in words. */
class ExperimentReporterTests {

    private static final VariantCounters.PairedOutcomes NO_PAIRS = VariantCounters.PairedOutcomes.NONE;

    private final ExperimentReporter reporter = new ExperimentReporter(ReportSettings.DEFAULTS);

    private final Experiment twoArms = Fixtures.experiment(List.of(
            new Variant("baseline-float", "mobilenet-v2", null, 50),
            new Variant("qf-int8", "qf-mobilenet-v2-int8", "1", 50)));
    /** The candidate also shadows the control's traffic: agreement and paired evidence exist. */
    private final Experiment shadowed = Fixtures.withShadow(twoArms, new Shadow("qf-int8", 100));

    @Test
    void rareDisagreementDecidesReplaceWithoutALabel() {
        ExperimentReport report = reporter.report(Fixtures.stored(shadowed), tallies(
                "baseline-float", new VariantCounters(5_000, 0, 0, 12.6, 20.0, 4_990, 5_000, NO_PAIRS),
                "qf-int8", counters(5_000, 0, 0, 6.0)), VERSION_1);

        ExperimentReport.Decision decision = report.decisions().getFirst();
        assertThat(decision.state()).isEqualTo("replace");
        assertThat(decision.evidence()).isEqualTo("agreement");
        assertThat(decision.observations()).isEqualTo(5_000);
        // 10 disagreements in 5,000: the true loss is below a bound a little above 0.2%.
        assertThat(decision.differenceLower()).isBetween(-0.01, -0.002);
        assertThat(decision.differenceUpper()).isEqualTo(-decision.differenceLower());
        assertThat(decision.projectedObservations()).isNull();
        assertThat(report.verdict()).startsWith("qf-int8 may replace baseline-float: it loses at most 0.")
                .contains("(agreement: 5000 shadow comparisons, 95% anytime-valid)").endsWith("and qf-int8 is 2.1x faster at p50");
        assertThat(report.notes()).containsExactly(ExperimentReporter.SHADOW_SAMPLE_NOTE);
    }

    @Test
    void labelledPairsWhereTheCandidateIsOftenWrongAloneDecideKeep() {
        ExperimentReport report = reporter.report(Fixtures.stored(shadowed), tallies(
                "baseline-float", new VariantCounters(3_000, 2_330, 670, null, null, 2_830, 3_000,
                        new VariantCounters.PairedOutcomes(2_300, 150, 20, 530))),
                VERSION_1);

        ExperimentReport.Decision decision = report.decisions().getFirst();
        assertThat(decision.state()).isEqualTo("keep");
        assertThat(decision.evidence()).isEqualTo("paired");
        assertThat(decision.observations()).isEqualTo(3_000);
        // The observed difference is (20 - 150) / 3000 = -4.3 points.
        assertThat(decision.differenceLower()).isLessThan(-130.0 / 3_000);
        assertThat(decision.differenceUpper()).isBetween(-130.0 / 3_000, -0.01);
        assertThat(report.verdict()).startsWith("keep baseline-float: qf-int8 is worse by more than 1 point, by ")
                .endsWith("(paired: 3000 labelled pairs, 95% anytime-valid)");
    }

    @Test
    void equalAccuracyOnSplitTrafficAloneIsNotDecidedAndSaysHowMuchMoreItNeeds() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), tallies(
                "baseline-float", counters(10_000, 7_500, 2_500, 10.0),
                "qf-int8", counters(10_000, 7_520, 2_480, 10.1)), VERSION_1);

        ExperimentReport.Decision decision = report.decisions().getFirst();
        assertThat(decision.state()).isEqualTo("continue");
        assertThat(decision.evidence()).isEqualTo("unpaired");
        assertThat(decision.observations()).isEqualTo(20_000);
        assertThat(decision.differenceLower()).isLessThan(-0.01);
        assertThat(decision.differenceUpper()).isGreaterThan(0.01);
        assertThat(decision.projectedObservations()).isGreaterThan(20_000);
        assertThat(report.verdict()).startsWith("not decided yet whether qf-int8 may replace baseline-float: the difference is between -")
                .contains("(unpaired: 20000 labels, 95% anytime-valid); about " + decision.projectedObservations() + " more observations")
                .endsWith("about as fast at p50");
        assertThat(report.notes()).isEmpty();
    }

    @Test
    void anExperimentDecidesThePairsItNamesElseEveryArmAgainstTheControl() {
        Experiment e = Fixtures.fourArms(25, 25, 25, 25);
        Experiment named = new Experiment(e.name(), e.variants(), null, false, "qf-float",
                List.of(new Experiment.Pair("qf-int8", "qf-float"), new Experiment.Pair("qf-int8", "baseline-float")));
        Experiment unnamed = new Experiment(e.name(), e.variants(), null, false, "qf-float");

        assertThat(reporter.report(Fixtures.stored(named), Map.of(), VERSION_1).decisions())
                .extracting(d -> d.candidate() + " vs " + d.control()).containsExactly("qf-int8 vs qf-float", "qf-int8 vs baseline-float");
        ExperimentReport report = reporter.report(Fixtures.stored(unnamed), Map.of(), VERSION_1);
        assertThat(report.decisions()).extracting(d -> d.candidate() + " vs " + d.control())
                .containsExactly("baseline-float vs qf-float", "baseline-int8 vs qf-float", "qf-int8 vs qf-float");
        assertThat(report.decisions()).allSatisfy(d -> {
            assertThat(d.state()).isEqualTo("continue");
            assertThat(d.evidence()).isEqualTo("none");
            assertThat(d.margin()).isEqualTo(0.01);
            assertThat(d.alpha()).isCloseTo(0.05, within(1e-12));
        });
        assertThat(report.verdict()).contains("not decided yet whether qf-int8 may replace qf-float: no observations yet");
    }

    @Test
    void statisticsRestartWhenAModelVersionChanges() {
        Map<String, VariantCounters> tallies = tallies(
                "baseline-float", new VariantCounters(5_000, 0, 0, 12.6, 20.0, 4_990, 5_000, NO_PAIRS),
                "qf-int8", counters(5_000, 0, 0, 6.0));
        CurrentVersions reloaded = ref -> Optional.of(ref.model().equals("qf-mobilenet-v2-int8") ? "2" : "1");

        ExperimentReport report = reporter.report(Fixtures.stored(shadowed), tallies, reloaded);

        assertThat(report.variants()).extracting(ExperimentReport.VariantSummary::version).containsExactly("1", "2");
        assertThat(report.variants().get(1).requests()).as("the candidate's new version has served nothing yet").isZero();
        assertThat(report.variants().getFirst().shadowComparisons()).as("nor has it answered a shadow copy").isZero();
        assertThat(report.decisions().getFirst().state()).isEqualTo("continue");
        assertThat(report.decisions().getFirst().evidence()).isEqualTo("none");
    }

    @Test
    void eachVariantGetsAccuracyWithItsWilsonIntervalLatencyAndShadowAgreement() {
        ExperimentReport report = reporter.report(Fixtures.stored(shadowed), tallies(
                "baseline-float",
                new VariantCounters(1_000, 81, 182, 11.0, 19.5, 450, 500, new VariantCounters.PairedOutcomes(40, 2, 3, 15))), VERSION_1);

        ExperimentReport.VariantSummary baseline = report.variants().getFirst();
        assertThat(baseline.requests()).isEqualTo(1_000);
        assertThat(baseline.feedback()).isEqualTo(263);
        assertThat(baseline.accuracy()).isCloseTo(81.0 / 263, within(1e-12));
        // the Wilson interval of 81/263, as in ProportionStatisticsTests (Newcombe 1998)
        assertThat(baseline.accuracyInterval().lower()).isCloseTo(0.2553, within(0.00005));
        assertThat(baseline.accuracyInterval().upper()).isCloseTo(0.3662, within(0.00005));
        assertThat(baseline.p50Millis()).isEqualTo(11.0);
        assertThat(baseline.p95Millis()).isEqualTo(19.5);
        assertThat(baseline.shadowAgreement()).isCloseTo(0.9, within(1e-12));
        assertThat(baseline.paired()).isEqualTo(new VariantCounters.PairedOutcomes(40, 2, 3, 15));
    }

    @Test
    void aVariantThatHasSeenNothingHasNoAccuracyLatencyOrAgreement() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), Map.of(), VERSION_1);

        ExperimentReport.VariantSummary qf = report.variants().get(1);
        assertThat(qf.model()).isEqualTo(new ModelRef("qf-mobilenet-v2-int8", "1"));
        assertThat(qf.requests()).isZero();
        assertThat(qf.accuracy()).isNull();
        assertThat(qf.accuracyInterval()).isNull();
        assertThat(qf.p50Millis()).isNull();
        assertThat(qf.shadowAgreement()).isNull();
    }

    @Test
    void aMarginOtherThanOnePointAndAnotherConfidenceAreWordedAsSet() {
        ExperimentReporter lenient = new ExperimentReporter(new ReportSettings(0.975, 2.5));
        ExperimentReport report = lenient.report(Fixtures.stored(shadowed), tallies(
                "baseline-float", new VariantCounters(5_000, 0, 0, null, null, 4_990, 5_000, NO_PAIRS)), VERSION_1);

        assertThat(report.decisions().getFirst().margin()).isEqualTo(0.025);
        assertThat(report.verdict()).contains("97.5% anytime-valid");
    }

    @Test
    void anExperimentWithOneVariantHasNothingToDecide() {
        ExperimentReport report = reporter.report(
                Fixtures.stored(Fixtures.experiment(List.of(new Variant("only", "mobilenet-v2", null, 1)))), Map.of(), VERSION_1);

        assertThat(report.decisions()).isEmpty();
        assertThat(report.verdict()).isEqualTo("only one variant, so there is nothing to decide");
    }

    /** Every model serves version 1. */
    private static final CurrentVersions VERSION_1 = ref -> Optional.of("1");

    /**
     * The store's tallies when every model serves version 1: each variant's counters under its own
     * tally, and again under the tally it shares with the shadow's version 1 (the report reads its
     * own counts from the first and its shadow evidence from the second).
     */
    private static Map<String, VariantCounters> tallies(Object... variantsAndCounters) {
        Map<String, VariantCounters> tallies = new HashMap<>();
        for (int i = 0; i < variantsAndCounters.length; i += 2) {
            VariantCounters counters = (VariantCounters) variantsAndCounters[i + 1];
            tallies.put(variantsAndCounters[i] + "@1", counters);
            tallies.put(variantsAndCounters[i] + "@1~1", counters);
        }
        return tallies;
    }

    private static VariantCounters counters(long requests, long correct, long incorrect, Double p50Millis) {
        return new VariantCounters(requests, correct, incorrect, p50Millis, p50Millis == null ? null : p50Millis * 2, 0, 0, NO_PAIRS);
    }
}
