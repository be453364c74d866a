package io.qfserving.models.train;

/** Linear warm-up from zero to the peak rate, then cosine decay to zero at the last step. */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {

    public LearningRateSchedule {
        if (peak <= 0 || totalSteps <= 0 || warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException("need peak > 0 and 0 <= warmup < total steps");
        }
    }

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
    }
}
