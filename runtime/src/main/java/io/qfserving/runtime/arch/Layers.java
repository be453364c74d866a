package io.qfserving.runtime.arch;

/**
 * The building blocks the architectures are written in. One definition of each network serves
 * every backend: trainable TensorFlow variables, frozen TensorFlow constants with BatchNorm folded,
 * or any other graph format that implements these few operations.
 *
 * <p>Convolutions have no bias of their own: when {@code batchNorm} is set the backend applies
 * BatchNorm (or its folded scale and shift) to the convolution's output; otherwise the output is
 * linear, as the QF depthwise layers require. Padding is always SAME.
 *
 * @param <T> the backend's handle for a tensor in NHWC layout
 */
public interface Layers<T> {

    T conv(String name, T x, int kernel, int filters, int stride, boolean batchNorm);

    /** Depthwise convolution with a square {@code kernel} (3 or 5 in our networks), channel multiplier 1. */
    T depthwise(String name, T x, int kernel, int stride, boolean batchNorm);

    /** Fully connected layer with bias on a [N, C] input. */
    T dense(String name, T x, int units);

    T relu(T x);

    T relu6(T x);

    /** relu6(x + 3) / 6, the piecewise-linear sigmoid of MobileNetV3. */
    T hardSigmoid(T x);

    /** x * hardSigmoid(x), the piecewise-linear swish of MobileNetV3. */
    T hardSwish(T x);

    T add(T a, T b);

    /** Multiplies each channel of {@code x} [N, H, W, C] by its value in {@code scales} [N, C]. */
    T scaleChannels(T x, T scales);

    /** Mean over the spatial axes: [N, H, W, C] to [N, C]. */
    T globalAveragePool(T x);

    int channels(T x);
}
