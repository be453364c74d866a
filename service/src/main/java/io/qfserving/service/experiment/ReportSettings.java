package io.qfserving.service.experiment;

/**
 * How the experiment report judges.
 *
 * @param confidence one minus the replace decision's error rate over all looks (0.95: alpha 0.05),
 *     and the level of the fixed-sample Wilson intervals shown beside it
 * @param marginPoints the largest accuracy loss that still counts as "not worse", in percentage points
 */
public record ReportSettings(double confidence, double marginPoints) {

    public static final ReportSettings DEFAULTS = new ReportSettings(0.95, 1.0);

    public ReportSettings {
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0.5 and 1, got " + confidence);
        }
        if (!(marginPoints > 0 && marginPoints < 100)) {
            throw new IllegalArgumentException("marginPoints must be between 0 and 100, got " + marginPoints);
        }
    }
}
