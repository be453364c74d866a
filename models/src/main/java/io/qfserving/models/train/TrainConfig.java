package io.qfserving.models.train;

import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import java.nio.file.Path;

/**
 * One training run. Weight decay is an L2 penalty on convolution and dense weights; depthwise
 * weights get their own coefficient, which the QF recipe sets (Sheng et al.: depthwise weights no
 * longer have a BatchNorm to absorb their scale) and the baseline leaves at zero, as the
 * MobileNet paper advises.
 */
public record TrainConfig(
        ModelSpec spec,
        Path trainDir,
        Path valDir,
        Path runDir,
        int epochs,
        int batchSize,
        double learningRate,
        double warmupEpochs,
        double weightDecay,
        double depthwiseL2,
        double labelSmoothing,
        double minCropArea,
        int cacheSize,
        long seed,
        int threads) {

    public TrainConfig {
        if (epochs < 1 || batchSize < 1 || threads < 1) {
            throw new IllegalArgumentException("epochs, batch size and threads must be positive");
        }
        if (minCropArea <= 0 || minCropArea > 1) {
            throw new IllegalArgumentException("minimum crop area must be in (0, 1]");
        }
        if (learningRate <= 0 || weightDecay < 0 || depthwiseL2 < 0 || labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("learning rate must be positive, regularization non-negative");
        }
    }

    /** The depthwise L2 coefficient this recipe uses for a variant when none is given. */
    public static double defaultDepthwiseL2(Variant variant) {
        return variant == Variant.QF ? 1e-4 : 0;
    }
}
