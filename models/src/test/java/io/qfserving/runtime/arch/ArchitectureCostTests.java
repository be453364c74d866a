package io.qfserving.runtime.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.tf.ClassifierGraph;
import io.qfserving.models.tf.GraphCost;
import io.qfserving.models.tf.ParameterStore;
import io.qfserving.models.tf.VariableLayers;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/** Parameter and MAC counts of the built graphs against the published figures. */
class ArchitectureCostTests {

    private static GraphCost cost(ModelSpec spec) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, new ParameterStore(tf)));
            return GraphCost.of(graph);
        }
    }

    @Test
    void mobileNetV1HasThePublishedParameterCountAndMacs() {
        GraphCost cost = cost(new ModelSpec(Architecture.MOBILENET_V1, Variant.BASELINE, 1.0, 224, 1000));
        assertThat(cost.parameters()).isEqualTo(4_253_864L);
        assertThat((double) cost.macsPerImage()).isCloseTo(569e6, within(569e6 * 0.02));
    }

    @Test
    void mobileNetV2HasThePublishedParameterCountAndMacs() {
        GraphCost cost = cost(new ModelSpec(Architecture.MOBILENET_V2, Variant.BASELINE, 1.0, 224, 1000));
        assertThat(cost.parameters()).isEqualTo(3_538_984L);
        assertThat((double) cost.macsPerImage()).isCloseTo(300e6, within(300e6 * 0.02));
    }

    @Test
    void mobileNetV3SmallHasTheReferenceParameterCountAndThePublishedOnes() {
        // Howard et al. 2019, Table 3: 2.5M parameters, 56M MAdds; the Keras reference counts 2,554,968
        // with BatchNorm's moving statistics, which the paper's count of learnt parameters leaves out.
        ModelSpec spec = new ModelSpec(Architecture.MOBILENET_V3_SMALL, Variant.BASELINE, 1.0, 224, 1000);
        GraphCost cost = cost(spec);
        assertThat(cost.parameters()).isEqualTo(2_554_968L);
        assertThat((double) trainableParameters(spec)).isCloseTo(2.5e6, within(2.5e6 * 0.02));
        assertThat((double) cost.macsPerImage()).isCloseTo(56e6, within(56e6 * 0.02));
    }

    private static long trainableParameters(ModelSpec spec) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ParameterStore store = new ParameterStore(tf);
            ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, store));
            return store.trainable().stream().mapToLong(p -> p.variable().shape().size()).sum();
        }
    }

    @Test
    void quantizationFriendlyVariantsDropOnlyTheDepthwiseBatchNorms() {
        // V1: 13 depthwise BNs of 4 x channels each; V2: 17 blocks' depthwise BNs.
        GraphCost v1 = cost(new ModelSpec(Architecture.MOBILENET_V1, Variant.BASELINE, 1.0, 224, 1000));
        GraphCost qfV1 = cost(new ModelSpec(Architecture.MOBILENET_V1, Variant.QF, 1.0, 224, 1000));
        int v1DepthwiseChannels = 32 + 64 + 128 + 128 + 256 + 256 + 512 * 6 + 1024;
        assertThat(v1.parameters() - qfV1.parameters()).isEqualTo(4L * v1DepthwiseChannels);
        assertThat(qfV1.macsPerImage()).isEqualTo(v1.macsPerImage());

        GraphCost v2 = cost(new ModelSpec(Architecture.MOBILENET_V2, Variant.BASELINE, 1.0, 224, 1000));
        GraphCost qfV2 = cost(new ModelSpec(Architecture.MOBILENET_V2, Variant.QF, 1.0, 224, 1000));
        assertThat(qfV2.parameters()).isLessThan(v2.parameters());
        assertThat(qfV2.macsPerImage()).isEqualTo(v2.macsPerImage());
    }

    @Test
    void costsScaleWithWidthAndResolution() {
        GraphCost full = cost(new ModelSpec(Architecture.MOBILENET_V2, Variant.QF, 1.0, 224, 10));
        GraphCost small = cost(new ModelSpec(Architecture.MOBILENET_V2, Variant.QF, 0.5, 128, 10));
        assertThat(small.macsPerImage()).isLessThan(full.macsPerImage() / 5);
        assertThat(small.parameters()).isLessThan(full.parameters());
    }

    @Test
    void channelRoundingFollowsTheReferenceRule() {
        assertThat(Channels.makeDivisible(32 * 0.5)).isEqualTo(16);
        assertThat(Channels.makeDivisible(24 * 0.35)).isEqualTo(8);
        assertThat(Channels.makeDivisible(96 * 0.75)).isEqualTo(72);
        assertThat(Channels.makeDivisible(1280 * 1.4)).isEqualTo(1792);
    }
}
