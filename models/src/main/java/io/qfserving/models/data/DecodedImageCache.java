package io.qfserving.models.data;

import io.qfserving.runtime.data.ImageFolder.Sample;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.IntConsumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Every training image decoded once (in-graph) to RGB bytes at a fixed square size and kept in
 * memory, so that each epoch's augmentation starts from pixels rather than JPEG. Imagenette's
 * 9,469 images at 224px take 1.4 GB.
 */
public final class DecodedImageCache {

    private final int size;
    private final byte[][] pixels;
    private final int[] labels;

    private DecodedImageCache(int size, byte[][] pixels, int[] labels) {
        this.size = size;
        this.pixels = pixels;
        this.labels = labels;
    }

    public static DecodedImageCache decode(List<Sample> samples, int size, IntConsumer progress) {
        byte[][] pixels = new byte[samples.size()][];
        int[] labels = new int[samples.size()];
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TString> encoded = tf.placeholder(TString.class);
            Operand<TUint8> decoded = tf.dtypes.cast(
                    tf.math.round(ImagePreprocessor.decodeAndResize(tf, encoded, size, size)), TUint8.class);
            try (Session session = new Session(graph)) {
                for (int i = 0; i < samples.size(); i++) {
                    byte[] bytes = Files.readAllBytes(samples.get(i).path());
                    try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
                            TUint8 out = (TUint8) session.runner().feed(encoded, input).fetch(decoded).run().get(0)) {
                        pixels[i] = new byte[size * size * 3];
                        out.copyTo(DataBuffers.of(pixels[i], false, false));
                    }
                    labels[i] = samples.get(i).label();
                    progress.accept(i + 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DecodedImageCache(size, pixels, labels);
    }

    public int size() {
        return size;
    }

    public int count() {
        return pixels.length;
    }

    public int label(int index) {
        return labels[index];
    }

    /** The images at {@code indices} as one uint8 [N, size, size, 3] tensor. */
    public TUint8 batch(int[] indices) {
        int imageBytes = size * size * 3;
        byte[] all = new byte[indices.length * imageBytes];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels[indices[i]], 0, all, i * imageBytes, imageBytes);
        }
        return TUint8.tensorOf(Shape.of(indices.length, size, size, 3), DataBuffers.of(all, true, false));
    }
}
