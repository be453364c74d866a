package io.qfserving.runtime.arch;

/**
 * MobileNetV1 (Howard et al. 2017): a strided 3x3 convolution, 13 depthwise-separable blocks,
 * global average pooling and a classifier. Channel counts follow the Keras reference so that the
 * parameter count at width 1.0 matches the published 4,253,864.
 */
final class MobileNetV1 {

    /** Pointwise filters and depthwise stride of the 13 separable blocks. */
    private static final int[][] BLOCKS = {
            {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
            {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
    };

    private MobileNetV1() {}

    static <T> T logits(ModelSpec spec, Layers<T> layers, T images) {
        T x = spec.activation(layers, layers.conv("conv1", images, 3, filters(32, spec), 2, true));
        for (int i = 0; i < BLOCKS.length; i++) {
            String block = "block" + (i + 1);
            if (spec.quantizationFriendly()) {
                // QF: the depthwise output goes straight into the pointwise conv, no BN, no activation.
                x = layers.depthwise(block + "/depthwise", x, 3, BLOCKS[i][1], false);
            } else {
                x = layers.relu6(layers.depthwise(block + "/depthwise", x, 3, BLOCKS[i][1], true));
            }
            x = spec.activation(layers, layers.conv(block + "/pointwise", x, 1, filters(BLOCKS[i][0], spec), 1, true));
        }
        return layers.dense("logits", layers.globalAveragePool(x), spec.classes());
    }

    private static int filters(int base, ModelSpec spec) {
        return (int) (base * spec.width());
    }
}
