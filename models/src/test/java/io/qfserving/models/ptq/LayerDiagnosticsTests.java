package io.qfserving.models.ptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.quant.Histogram;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.tf.FoldedWeights;
import io.qfserving.models.tf.RandomModels;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics on a network given the papers' failure on purpose: one channel's input is made
 * dead and that channel's folded depthwise weights explode, as BatchNorm folding does when the
 * channel's variance is about zero. The diagnostics must see each part of it.
 */
class LayerDiagnosticsTests {

    private static final ModelSpec SPEC = new ModelSpec(Architecture.MOBILENET_V1, Variant.BASELINE, 0.5, 32, 10);
    private static final int CHANNEL = 3;
    private static final String DEPTHWISE = "block2/depthwise";

    private final List<float[]> images = RandomModels.images(40, SPEC.resolution(), new Random(5));

    private LayerDiagnostics diagnose(Map<String, TensorValue> weights) {
        Map<String, Histogram> histograms = Calibration.record(SPEC, weights, images, 1);
        return LayerDiagnostics.measure(SPEC, weights,
                scheme -> QuantizationPlan.fromHistograms(histograms, scheme.rangeMethod(), scheme.perChannelWeights()), images, 1);
    }

    @Test
    void aDeadChannelWithExplodedFoldedWeightsCrushesPerTensorWeightsButNotPerChannelOnes() {
        Map<String, TensorValue> healthy = FoldedWeights.fold(RandomModels.trainedValues(SPEC, 11));
        Map<String, TensorValue> broken = new LinkedHashMap<>(healthy);
        // block1's pointwise output feeds block2's depthwise: zero weights and a negative bias kill the channel.
        broken.put("block1/pointwise/weights", scaleChannel(healthy.get("block1/pointwise/weights"), 32, 0));
        broken.put("block1/pointwise/bias", setChannel(healthy.get("block1/pointwise/bias"), -1));
        broken.put(DEPTHWISE + "/weights", scaleChannel(healthy.get(DEPTHWISE + "/weights"), 32, 200));

        LayerDiagnostics before = diagnose(healthy);
        LayerDiagnostics after = diagnose(broken);

        assertThat(layer(after).spread()).isGreaterThan(50).isGreaterThan(20 * layer(before).spread());
        assertThat(layer(after).nearDeadInputs()).isEqualTo(layer(before).nearDeadInputs() + 1);
        LayerDiagnostics.ActivationNoise noiseBefore = depthwiseOutput(before);
        LayerDiagnostics.ActivationNoise noiseAfter = depthwiseOutput(after);
        assertThat(noiseBefore.perTensorDb() - noiseAfter.perTensorDb()).isGreaterThan(10);
        assertThat(noiseAfter.perChannelDb()).isCloseTo(noiseBefore.perChannelDb(), within(3.0));
        assertThat(after.logits().perTensorDb()).isLessThan(before.logits().perTensorDb());
    }

    @Test
    void sqnrIsTheRatioOfSignalToNoisePowerInDecibels() {
        assertThat(LayerDiagnostics.decibels(100, 1)).isEqualTo(20.0);
        assertThat(LayerDiagnostics.decibels(1, 0)).isInfinite();
    }

    private static LayerDiagnostics.DepthwiseLayer layer(LayerDiagnostics d) {
        return d.depthwise().stream().filter(l -> l.layer().equals(DEPTHWISE)).findFirst().orElseThrow();
    }

    /** The activation the depthwise layer's output becomes (after its folded BatchNorm and ReLU6). */
    private static LayerDiagnostics.ActivationNoise depthwiseOutput(LayerDiagnostics d) {
        return d.activations().stream().filter(a -> a.tensor().startsWith(DEPTHWISE)).findFirst().orElseThrow();
    }

    /** Multiplies output channel {@link #CHANNEL} of a kernel whose last axis has {@code channels} entries. */
    private static TensorValue scaleChannel(TensorValue kernel, int channels, float factor) {
        float[] data = kernel.data().clone();
        for (int i = CHANNEL; i < data.length; i += channels) {
            data[i] *= factor;
        }
        return new TensorValue(kernel.shape(), data);
    }

    private static TensorValue setChannel(TensorValue bias, float value) {
        float[] data = bias.data().clone();
        data[CHANNEL] = value;
        return new TensorValue(bias.shape(), data);
    }
}
