package io.qfserving.runtime.preprocess;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Encoded image (JPEG, PNG, GIF, BMP) to the model's input: decoded in TensorFlow's graph to RGB
 * (grayscale expanded, alpha dropped), resized bilinearly with half-pixel centers to the model's
 * resolution, normalized. Evaluation and serving both go through this one path, so an accuracy
 * measured here is the accuracy served. A JPEG much larger than the model's input may be decoded at
 * 1/2, 1/4 or 1/8 of its size instead ({@link #jpegScale}): libjpeg then scales in the DCT domain,
 * skipping most of the decoding work. Thread-safe; close it to free the native graph.
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

    /** The scales at which libjpeg decodes in the DCT domain, largest last; output sides are rounded up. */
    private static final int[] JPEG_SCALES = {2, 4, 8};

    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TString> encoded;
    private final Operand<TFloat32> resized;
    /** A branch per scale in {@link #JPEG_SCALES}, in the same order; only the branch fetched runs. */
    private final List<Operand<TFloat32>> resizedScaledJpeg;
    /**
     * Applied in Java to the fetched pixels: in the graph, TensorFlow broadcasts the per-channel
     * constants over the image block by block, which took 11% of the whole preprocessing time.
     */
    private final Normalization normalization;
    private final int height;
    private final int width;

    public ImagePreprocessor(int height, int width, Normalization normalization) {
        this.height = height;
        this.width = width;
        Ops tf = Ops.create(graph);
        encoded = tf.placeholder(TString.class);
        this.normalization = normalization;
        resized = decodeAndResize(tf, encoded, height, width);
        resizedScaledJpeg = Arrays.stream(JPEG_SCALES).mapToObj(
                scale -> resize(tf, tf.image.decodeJpeg(encoded, DecodeJpeg.channels(3L), DecodeJpeg.ratio((long) scale)), height, width))
                .toList();
        session = new Session(graph, CALLER_THREAD);
    }

    /**
     * Encoded bytes to a float [1, height, width, 3] RGB image on the 0..255 scale. The training
     * cache decodes through this same graph, so training and serving see the same pixels.
     */
    public static Operand<TFloat32> decodeAndResize(Ops tf, Operand<TString> encoded, int height, int width) {
        Operand<TUint8> pixels = tf.image.decodeImage(encoded, new DecodeImage.Options[] {
                DecodeImage.channels(3L), DecodeImage.expandAnimations(false)});
        return resize(tf, pixels, height, width);
    }

    private static Operand<TFloat32> resize(Ops tf, Operand<TUint8> pixels, int height, int width) {
        return tf.image.resizeBilinear(tf.expandDims(pixels, tf.constant(0)), tf.constant(new int[] {height, width}),
                ResizeBilinear.halfPixelCenters(true));
    }

    /**
     * The largest scale (1, 2, 4 or 8) at which a JPEG of this size, decoded at 1/scale, still has both
     * sides at least the model's input: the resize then only ever shrinks, as it would from full size.
     */
    public int jpegScale(int imageWidth, int imageHeight) {
        int largest = 1;
        for (int scale : JPEG_SCALES) {
            if (Math.ceilDiv(imageWidth, scale) >= width && Math.ceilDiv(imageHeight, scale) >= height) {
                largest = scale;
            }
        }
        return largest;
    }

    /** Row-major [height, width, 3] floats ready for the model, decoded at full size. */
    public float[] apply(byte[] image) {
        return apply(image, 1);
    }

    /**
     * As {@link #apply(byte[])}, with a JPEG decoded at 1/{@code jpegScale} of its size (one of
     * {@link #jpegScale}'s answers; 1 decodes any format at full size).
     */
    public float[] apply(byte[] image, int jpegScale) {
        int branch = Arrays.binarySearch(JPEG_SCALES, jpegScale);
        if (jpegScale != 1 && branch < 0) {
            throw new IllegalArgumentException("a JPEG scale is 1, 2, 4 or 8, not " + jpegScale);
        }
        Operand<TFloat32> output = jpegScale == 1 ? resized : resizedScaledJpeg.get(branch);
        try (TString input = TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.scalarOfObject(image));
                TFloat32 out = (TFloat32) session.runner().feed(encoded, input).fetch(output).run().get(0)) {
            float[] values = new float[height * width * 3];
            out.copyTo(DataBuffers.of(values, false, false));
            normalization.applyInPlace(values);
            return values;
        }
    }

    /** Packs preprocessed images into one [N, H, W, 3] tensor, each copied once, into the tensor's own memory. */
    public static TFloat32 batch(List<float[]> images, int height, int width) {
        int size = height * width * 3;
        TFloat32 batch = TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(images.size(), height, width, 3));
        FloatDataBuffer pixels = batch.asRawTensor().data().asFloats();
        for (int i = 0; i < images.size(); i++) {
            float[] image = images.get(i);
            if (image.length != size) {
                batch.close();
                throw new IllegalArgumentException("an image has " + image.length + " values, not " + size);
            }
            pixels.offset((long) i * size).write(image);
        }
        return batch;
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
