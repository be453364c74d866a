package io.qfserving.service.experiment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Words the report's verdict, one clause per decision. */
final class VerdictWriter {

    /** Latencies within 5% of each other are reported as "about as fast". */
    private static final double SAME_SPEED = 1.05;

    /**
     * e.g. "qf-int8 may replace qf-float: it loses at most 0.4 points (agreement: 2310 shadow comparisons,
     * 95% anytime-valid), and is 2.1x faster at p50"
     */
    String judged(ExperimentReport.Decision d) {
        String confidence = percent(1 - d.alpha()) + " anytime-valid";
        String basis = d.evidence() + ": " + d.observations() + " " + unit(d.evidence()) + ", " + confidence;
        String clause = switch (d.state()) {
            case "replace" -> d.candidate() + " may replace " + d.control() + ": it loses at most "
                    + points(Math.max(0, -d.differenceLower())) + " (" + basis + ")";
            case "keep" -> "keep " + d.control() + ": " + d.candidate() + " is worse by more than " + points(d.margin())
                    + ", by " + points(-d.differenceUpper()) + " at least (" + basis + ")";
            default -> "not decided yet whether " + d.candidate() + " may replace " + d.control()
                    + (d.observations() == 0 ? ": no observations yet" : ": the difference is between "
                            + signedPoints(d.differenceLower()) + " and " + signedPoints(d.differenceUpper()) + " (" + basis + ")")
                    + (d.projectedObservations() == null ? "" : "; about " + d.projectedObservations()
                            + " more observations at the current rates");
        };
        return d.p50Speedup() == null ? clause : clause + ", and " + d.candidate() + " is " + speed(d.p50Speedup());
    }

    private static String unit(String evidence) {
        return switch (evidence) {
            case "agreement" -> "shadow comparisons";
            case "paired" -> "labelled pairs";
            default -> "labels";
        };
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

    /** A proportion as points: 0.004 as "0.4 points", 0.01 as "1 point". */
    private static String points(double proportion) {
        String plain = plain(proportion * 100);
        return plain + (plain.equals("1") ? " point" : " points");
    }

    private static String signedPoints(double proportion) {
        return String.format(Locale.ROOT, "%+.1f points", proportion * 100);
    }

    private static String percent(double fraction) {
        return plain(fraction * 100) + "%";
    }

    /** 1.0 as "1", 0.5 as "0.5", 97.5 as "97.5": at most two decimals, no trailing zeros. */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
