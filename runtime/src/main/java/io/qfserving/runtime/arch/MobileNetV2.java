package io.qfserving.runtime.arch;

/**
 * MobileNetV2 (Sandler et al. 2018): inverted residual blocks with linear bottlenecks. Channel
 * rounding follows the Keras reference so that the parameter count at width 1.0 matches the
 * published 3,538,984. The QF variant (QF-MobileNet, 2021) drops BatchNorm and the activation after
 * each depthwise convolution and uses ReLU instead of ReLU6.
 */
final class MobileNetV2 {

    /** Expansion factor t, output channels c, repeats n, first stride s of each stage. */
    private static final int[][] STAGES = {
            {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    private MobileNetV2() {}

    static <T> T logits(ModelSpec spec, Layers<T> layers, T images) {
        T x = spec.activation(layers, layers.conv("conv1", images, 3, Channels.makeDivisible(32 * spec.width()), 2, true));
        int block = 0;
        for (int[] stage : STAGES) {
            int outChannels = Channels.makeDivisible((int) (stage[1] * spec.width()));
            for (int repeat = 0; repeat < stage[2]; repeat++) {
                int stride = repeat == 0 ? stage[3] : 1;
                x = invertedResidual(spec, layers, "block" + block++, x, stage[0], outChannels, stride);
            }
        }
        int lastChannels = spec.width() > 1.0 ? Channels.makeDivisible(1280 * spec.width()) : 1280;
        x = spec.activation(layers, layers.conv("conv_last", x, 1, lastChannels, 1, true));
        return layers.dense("logits", layers.globalAveragePool(x), spec.classes());
    }

    private static <T> T invertedResidual(
            ModelSpec spec, Layers<T> layers, String name, T input, int expansion, int outChannels, int stride) {
        int inChannels = layers.channels(input);
        T x = input;
        if (expansion != 1) {
            x = spec.activation(layers, layers.conv(name + "/expand", x, 1, inChannels * expansion, 1, true));
        }
        if (spec.quantizationFriendly()) {
            x = layers.depthwise(name + "/depthwise", x, 3, stride, false);
        } else {
            x = layers.relu6(layers.depthwise(name + "/depthwise", x, 3, stride, true));
        }
        x = layers.conv(name + "/project", x, 1, outChannels, 1, true);
        return stride == 1 && inChannels == outChannels ? layers.add(input, x) : x;
    }
}
