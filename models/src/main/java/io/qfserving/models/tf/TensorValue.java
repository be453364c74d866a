package io.qfserving.models.tf;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** A float tensor's shape and row-major values, held on the Java heap. */
public record TensorValue(Shape shape, float[] data) {

    public TensorValue {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " does not hold " + data.length + " values");
        }
    }

    public static TensorValue copyOf(TFloat32 tensor) {
        float[] data = new float[Math.toIntExact(tensor.size())];
        tensor.copyTo(DataBuffers.of(data, false, false));
        return new TensorValue(tensor.shape(), data);
    }

    public TFloat32 toTensor() {
        return TFloat32.tensorOf(shape, DataBuffers.of(data, true, false));
    }
}
