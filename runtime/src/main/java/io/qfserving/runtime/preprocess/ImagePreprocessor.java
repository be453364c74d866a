package io.qfserving.runtime.preprocess;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Encoded image (JPEG, PNG, GIF, BMP) to the model's input: decoded in TensorFlow's graph to RGB
 * (grayscale expanded, alpha dropped), resized bilinearly with half-pixel centers to the model's
 * resolution, normalized. Evaluation and serving both go through this one path, so an accuracy
 * measured here is the accuracy served. Thread-safe; close it to free the native graph.
 */
public final class ImagePreprocessor implements AutoCloseable {

    /**
     * Decode and resize run on the calling thread: concurrency comes from concurrent callers, and
     * handing each op to TensorFlow's pools would only add thread switches to every image.
     */
    private static final ConfigProto CALLER_THREAD = ConfigProto.newBuilder()
            .setInterOpParallelismThreads(-1)
            .setIntraOpParallelismThreads(1)
            .build();

    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TString> encoded;
    private final Operand<TFloat32> normalized;
    private final int height;
    private final int width;

    public ImagePreprocessor(int height, int width, Normalization normalization) {
        this.height = height;
        this.width = width;
        Ops tf = Ops.create(graph);
        encoded = tf.placeholder(TString.class);
        Operand<TFloat32> resized = decodeAndResize(tf, encoded, height, width);
        normalized = tf.math.div(
                tf.math.sub(resized, tf.constant(normalization.mean())), tf.constant(normalization.std()));
        session = new Session(graph, CALLER_THREAD);
    }

    /**
     * Encoded bytes to a float [1, height, width, 3] RGB image on the 0..255 scale. The training
     * cache decodes through this same graph, so training and serving see the same pixels.
     */
    public static Operand<TFloat32> decodeAndResize(Ops tf, Operand<TString> encoded, int height, int width) {
        Operand<TUint8> pixels = tf.image.decodeImage(encoded, new DecodeImage.Options[] {
                DecodeImage.channels(3L), DecodeImage.expandAnimations(false)});
        return tf.image.resizeBilinear(tf.expandDims(pixels, tf.constant(0)), tf.constant(new int[] {height, width}),
                ResizeBilinear.halfPixelCenters(true));
    }

    /** Row-major [height, width, 3] floats ready for the model. */
    public float[] apply(byte[] image) {
        try (TString input = TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.scalarOfObject(image));
                TFloat32 out = (TFloat32) session.runner().feed(encoded, input).fetch(normalized).run().get(0)) {
            float[] values = new float[height * width * 3];
            out.copyTo(DataBuffers.of(values, false, false));
            return values;
        }
    }

    /** Packs preprocessed images into one [N, H, W, 3] tensor. */
    public static TFloat32 batch(List<float[]> images, int height, int width) {
        int size = height * width * 3;
        float[] all = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * size, size);
        }
        return TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(images.size(), height, width, 3),
                DataBuffers.of(all, true, false));
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
