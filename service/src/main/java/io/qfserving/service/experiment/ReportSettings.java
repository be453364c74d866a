package io.qfserving.service.experiment;

/**
 * How the experiment report judges.
 *
 * @param confidence for the Wilson intervals (two-sided) and the non-inferiority test (one-sided), e.g. 0.95
 * @param marginPoints the largest accuracy loss that still counts as "not worse", in percentage points
 * @param minimumFeedback the labelled requests each of two variants needs before they are compared
 */
public record ReportSettings(double confidence, double marginPoints, long minimumFeedback) {

    public static final ReportSettings DEFAULTS = new ReportSettings(0.95, 1.0, 100);

    public ReportSettings {
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0.5 and 1, got " + confidence);
        }
        if (!(marginPoints > 0 && marginPoints < 100)) {
            throw new IllegalArgumentException("marginPoints must be between 0 and 100, got " + marginPoints);
        }
        if (minimumFeedback < 1) {
            throw new IllegalArgumentException("minimumFeedback must be at least 1, got " + minimumFeedback);
        }
    }
}
