package io.qfserving.models.quant;

/**
 * The integer grids the exported model uses: uint8 for activations (asymmetric, so a ReLU6 output
 * spends all 256 levels on [0, 6]), int8 for weights (symmetric, so the zero point is 0 and integer
 * kernels need no zero-point correction) and int32 for biases (added to the int32 accumulator).
 *
 * <p>The signed types stop at -qmax rather than -qmax - 1 so the grid is symmetric around zero.
 */
public enum QuantType {
    UINT8(0, 255),
    INT8(-127, 127),
    INT32(-Integer.MAX_VALUE, Integer.MAX_VALUE);

    private final int qmin;
    private final int qmax;

    QuantType(int qmin, int qmax) {
        this.qmin = qmin;
        this.qmax = qmax;
    }

    public int qmin() {
        return qmin;
    }

    public int qmax() {
        return qmax;
    }

    /** Symmetric grids always have zero point 0. */
    public boolean symmetric() {
        return qmin == -qmax;
    }

    /** Number of quantization steps between qmin and qmax (a double, as int32's would overflow an int). */
    double steps() {
        return (double) qmax - qmin;
    }
}
