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

    /** 3x3 depthwise convolution, channel multiplier 1. */
    T depthwise(String name, T x, int stride, boolean batchNorm);

    /** Fully connected layer with bias on a [N, C] input. */
    T dense(String name, T x, int units);

    T relu(T x);

    T relu6(T x);

    T add(T a, T b);

    /** Mean over the spatial axes: [N, H, W, C] to [N, C]. */
    T globalAveragePool(T x);

    int channels(T x);
}
