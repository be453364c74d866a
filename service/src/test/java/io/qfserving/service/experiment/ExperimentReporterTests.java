package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.service.repository.ModelRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report: per-variant numbers, the tests it runs, and its verdict in words. */
class ExperimentReporterTests {

    private final ExperimentReporter reporter = new ExperimentReporter(ReportSettings.DEFAULTS);

    private final Experiment twoArms = Fixtures.experiment(List.of(
            new Variant("baseline-float", "mobilenet-v2", null, 50),
            new Variant("qf-int8", "qf-mobilenet-v2-int8", "1", 50)));

    @Test
    void aCandidateAsAccurateOnManyLabelsAndTwiceAsFastIsJudgedNotWorseAndFaster() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), Map.of(
                "baseline-float", counters(20_000, 7_500, 2_500, 12.6),
                "qf-int8", counters(20_000, 7_520, 2_480, 6.0)));

        assertThat(report.verdict()).isEqualTo(
                "qf-int8 is not worse than baseline-float by more than 1 point at 95% confidence, and 2.1x faster at p50");
        assertThat(report.comparisons()).singleElement().satisfies(c -> {
            assertThat(c.nonInferior()).isTrue();
            assertThat(c.difference()).isCloseTo(0.002, within(1e-9));
            assertThat(c.p50Speedup()).isCloseTo(2.1, within(1e-9));
        });
    }

    @Test
    void aCandidateClearlyLessAccurateIsSaidToBePossiblyWorseWithItsLowerBound() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), Map.of(
                "baseline-float", counters(2_000, 900, 100, 10.0),
                "qf-int8", counters(2_000, 850, 150, 10.2)));

        // difference -5 points, unpooled standard error 1.47 points, lower bound -5 - 1.645 * 1.47 = -7.4
        assertThat(report.verdict()).isEqualTo("qf-int8 may be worse than baseline-float by more than 1 point "
                + "(95% lower bound of the difference: -7.4 points), and about as fast at p50");
    }

    @Test
    void tooFewLabelsAreSaidPlainlyAndNoTestIsRun() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), Map.of(
                "baseline-float", counters(500, 30, 10, 12.0),
                "qf-int8", counters(500, 36, 4, 18.0)));

        assertThat(report.verdict()).isEqualTo("not enough feedback yet to compare qf-int8 with baseline-float "
                + "(40 and 40 labelled requests, at least 100 each needed), but qf-int8 is 1.5x slower at p50");
        assertThat(report.comparisons()).isEmpty();
        assertThat(report.pairwiseTests()).isEmpty();
    }

    @Test
    void eachVariantGetsAccuracyWithItsWilsonIntervalLatencyAndShadowAgreement() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), Map.of(
                "baseline-float", new VariantCounters(1_000, 81, 182, 11.0, 19.5, 450, 500, VariantCounters.PairedOutcomes.NONE)));

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
    }

    @Test
    void aVariantThatHasSeenNothingHasNoAccuracyLatencyOrAgreement() {
        ExperimentReport report = reporter.report(Fixtures.stored(twoArms), Map.of());

        ExperimentReport.VariantSummary qf = report.variants().get(1);
        assertThat(qf.model()).isEqualTo(new ModelRef("qf-mobilenet-v2-int8", "1"));
        assertThat(qf.requests()).isZero();
        assertThat(qf.accuracy()).isNull();
        assertThat(qf.accuracyInterval()).isNull();
        assertThat(qf.p50Millis()).isNull();
        assertThat(qf.shadowAgreement()).isNull();
        assertThat(report.verdict()).isEqualTo("not enough feedback yet to compare qf-int8 with baseline-float "
                + "(0 and 0 labelled requests, at least 100 each needed)");
    }

    @Test
    void everyPairWithEnoughFeedbackIsZTestedAndEveryOtherVariantComparedWithTheConfiguredControl() {
        Experiment e = Fixtures.fourArms(25, 25, 25, 25);
        Experiment controlledByQfFloat = new Experiment(e.name(), e.variants(), null, false, "qf-float");
        ExperimentReport report = reporter.report(Fixtures.stored(controlledByQfFloat), Map.of(
                "baseline-float", counters(1_000, 700, 300, 10.0),
                "baseline-int8", counters(1_000, 690, 310, 5.0),
                "qf-float", counters(1_000, 760, 240, 10.0),
                "qf-int8", counters(1_000, 20, 10, 5.0)));

        assertThat(report.control()).isEqualTo("qf-float");
        assertThat(report.pairwiseTests()).extracting(t -> t.first() + " vs " + t.second()).containsExactly(
                "baseline-float vs baseline-int8", "baseline-float vs qf-float", "baseline-int8 vs qf-float");
        assertThat(report.pairwiseTests().get(1).difference()).isCloseTo(-0.06, within(1e-12));
        assertThat(report.pairwiseTests().get(1).pValue()).isLessThan(0.01);
        assertThat(report.comparisons()).extracting(ExperimentReport.Comparison::candidate)
                .containsExactly("baseline-float", "baseline-int8");
        assertThat(report.verdict()).contains("baseline-int8 may be worse than qf-float", "2.0x faster at p50",
                "not enough feedback yet to compare qf-int8 with qf-float (30 and 1000 labelled");
    }

    @Test
    void aMarginOtherThanOnePointAndAnotherConfidenceAreWordedAsSet() {
        ExperimentReporter lenient = new ExperimentReporter(new ReportSettings(0.975, 2.5, 100));
        ExperimentReport report = lenient.report(Fixtures.stored(twoArms), Map.of(
                "baseline-float", counters(5_000, 4_500, 500, null),
                "qf-int8", counters(5_000, 4_480, 520, null)));

        assertThat(report.verdict())
                .isEqualTo("qf-int8 is not worse than baseline-float by more than 2.5 points at 97.5% confidence");
    }

    @Test
    void anExperimentWithOneVariantHasNothingToCompare() {
        ExperimentReport report = reporter.report(
                Fixtures.stored(Fixtures.experiment(List.of(new Variant("only", "mobilenet-v2", null, 1)))), Map.of());

        assertThat(report.verdict()).isEqualTo("only one variant, so there is nothing to compare");
    }

    private static VariantCounters counters(long requests, long correct, long incorrect, Double p50Millis) {
        return new VariantCounters(requests, correct, incorrect, p50Millis, p50Millis == null ? null : p50Millis * 2, 0, 0,
                VariantCounters.PairedOutcomes.NONE);
    }
}
