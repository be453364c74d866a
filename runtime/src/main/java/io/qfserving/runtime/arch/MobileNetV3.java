package io.qfserving.runtime.arch;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * MobileNetV3-Small (Howard et al. 2019, Table 2): inverted residual blocks with 3x3 and 5x5
 * depthwise convolutions, squeeze-and-excitation gated by a hard sigmoid, and hard-swish in the
 * later blocks. Channel rounding and the block details the paper leaves open (the stem keeps 16
 * filters at every width, no expansion conv in the first block, no squeeze-and-excitation on the
 * last 1x1 conv, squeeze to a quarter of the expanded channels) follow the Keras reference, so
 * the parameter count at width 1.0 matches its 2,554,968.
 *
 * <p>The QF variant applies the rule of Sheng et al. (2018) and QF-MobileNet (2021) to each block
 * exactly as our QF-MobileNetV2 does: the depthwise output is linear (no BatchNorm, no activation),
 * so squeeze-and-excitation gates that linear output and the projection, whose BatchNorm stays,
 * reads it. The projection stays linear in both variants (the linear bottleneck of MobileNetV2 and
 * V3). V3 already uses ReLU where V2 used ReLU6, and keeps hard-swish, whose clip at 6 is part of its
 * definition rather than an activation bound; depthwise weights get their L2 at training time.
 * docs/architecture.md explains each choice block by block.
 */
final class MobileNetV3 {

    /**
     * One row of the paper's table: depthwise kernel, expansion as a ratio of the input channels (as
     * Keras writes it), output channels at width 1.0, squeeze-and-excitation, hard-swish (else ReLU),
     * depthwise stride.
     */
    private record Bottleneck(int kernel, double expansion, int out, boolean squeeze, boolean hardSwish, int stride) {}

    private static final List<Bottleneck> SMALL = List.of(
            new Bottleneck(3, 1, 16, true, false, 2),
            new Bottleneck(3, 72.0 / 16, 24, false, false, 2),
            new Bottleneck(3, 88.0 / 24, 24, false, false, 1),
            new Bottleneck(5, 4, 40, true, true, 2),
            new Bottleneck(5, 6, 40, true, true, 1),
            new Bottleneck(5, 6, 40, true, true, 1),
            new Bottleneck(5, 3, 48, true, true, 1),
            new Bottleneck(5, 3, 48, true, true, 1),
            new Bottleneck(5, 6, 96, true, true, 2),
            new Bottleneck(5, 6, 96, true, true, 1),
            new Bottleneck(5, 6, 96, true, true, 1));

    private static final int STEM_FILTERS = 16;
    private static final int LAST_CONV_EXPANSION = 6;
    private static final int HEAD_UNITS = 1024;
    private static final double SQUEEZE_RATIO = 0.25;

    private MobileNetV3() {}

    static <T> T logits(ModelSpec spec, Layers<T> layers, T images) {
        T x = layers.hardSwish(layers.conv("conv1", images, 3, STEM_FILTERS, 2, true));
        for (int i = 0; i < SMALL.size(); i++) {
            Bottleneck b = SMALL.get(i);
            x = bottleneck(spec, layers, "block" + i, x, b, Channels.makeDivisible(b.out() * spec.width()));
        }
        int lastChannels = Channels.makeDivisible(layers.channels(x) * LAST_CONV_EXPANSION);
        x = layers.hardSwish(layers.conv("conv_last", x, 1, lastChannels, 1, true));
        int headUnits = spec.width() > 1.0 ? Channels.makeDivisible(HEAD_UNITS * spec.width()) : HEAD_UNITS;
        // The head's 1x1 convs act on a 1x1 map, so they are dense layers with a bias and no BatchNorm.
        x = layers.hardSwish(layers.dense("head", layers.globalAveragePool(x), headUnits));
        return layers.dense("logits", x, spec.classes());
    }

    private static <T> T bottleneck(ModelSpec spec, Layers<T> layers, String name, T input, Bottleneck b, int outChannels) {
        UnaryOperator<T> activation = b.hardSwish() ? layers::hardSwish : layers::relu;
        int inChannels = layers.channels(input);
        T x = input;
        if (b.expansion() != 1) {
            int expanded = Channels.makeDivisible(inChannels * b.expansion());
            x = activation.apply(layers.conv(name + "/expand", x, 1, expanded, 1, true));
        }
        if (spec.quantizationFriendly()) {
            x = layers.depthwise(name + "/depthwise", x, b.kernel(), b.stride(), false);
        } else {
            x = activation.apply(layers.depthwise(name + "/depthwise", x, b.kernel(), b.stride(), true));
        }
        if (b.squeeze()) {
            x = squeezeExcite(layers, name + "/se", x);
        }
        x = layers.conv(name + "/project", x, 1, outChannels, 1, true);
        return b.stride() == 1 && inChannels == outChannels ? layers.add(input, x) : x;
    }

    /** Hu et al. (2018) with MobileNetV3's hard-sigmoid gate: pool, squeeze, ReLU, excite, gate, scale. */
    private static <T> T squeezeExcite(Layers<T> layers, String name, T x) {
        int channels = layers.channels(x);
        T squeezed = layers.relu(layers.dense(name + "/squeeze", layers.globalAveragePool(x),
                Channels.makeDivisible(channels * SQUEEZE_RATIO)));
        return layers.scaleChannels(x, layers.hardSigmoid(layers.dense(name + "/excite", squeezed, channels)));
    }
}
