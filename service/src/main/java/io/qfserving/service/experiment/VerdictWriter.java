package io.qfserving.service.experiment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Words the report's verdict, one clause per variant compared with the control. */
final class VerdictWriter {

    /** Latencies within 5% of each other are reported as "about as fast". */
    private static final double SAME_SPEED = 1.05;

    private final ReportSettings settings;

    VerdictWriter(ReportSettings settings) {
        this.settings = settings;
    }

    /** e.g. "qf-int8 is not worse than baseline-float by more than 1 point at 95% confidence, and 2.1x faster at p50" */
    String judged(ExperimentReport.Comparison c) {
        String accuracy = c.nonInferior()
                ? c.candidate() + " is not worse than " + c.control() + " by more than " + points(settings.marginPoints())
                        + " at " + percent(settings.confidence()) + " confidence"
                : c.candidate() + " may be worse than " + c.control() + " by more than " + points(settings.marginPoints())
                        + " (" + percent(settings.confidence()) + " lower bound of the difference: "
                        + signedPoints(c.lowerBound() * 100) + ")";
        return c.p50Speedup() == null ? accuracy : accuracy + ", and " + speed(c.p50Speedup());
    }

    String notEnoughFeedback(String candidate, String control, long candidateFeedback, long controlFeedback, Double speedup) {
        String clause = "not enough feedback yet to compare " + candidate + " with " + control + " ("
                + candidateFeedback + " and " + controlFeedback + " labelled requests, at least "
                + settings.minimumFeedback() + " each needed)";
        return speedup == null ? clause : clause + ", but " + candidate + " is " + speed(speedup);
    }

    private static String speed(double speedup) {
        if (speedup >= SAME_SPEED) {
            return String.format(Locale.ROOT, "%.1fx faster at p50", speedup);
        }
        if (speedup <= 1 / SAME_SPEED) {
            return String.format(Locale.ROOT, "%.1fx slower at p50", 1 / speedup);
        }
        return "about as fast at p50";
    }

    private static String points(double points) {
        return plain(points) + (points == 1 ? " point" : " points");
    }

    private static String signedPoints(double points) {
        return (points > 0 ? "+" : "") + String.format(Locale.ROOT, "%.1f points", points);
    }

    private static String percent(double fraction) {
        return plain(fraction * 100) + "%";
    }

    /** 1.0 as "1", 0.5 as "0.5", 97.5 as "97.5": at most two decimals, no trailing zeros. */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
