package io.qfserving.service.inference;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.repository.RepositoryListener;
import io.qfserving.service.repository.ServedModel;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Encoded image to model input, as the model's manifest prescribes, through the same TensorFlow
 * graph the models were evaluated with (decode to RGB: grayscale expanded, alpha dropped, CMYK
 * converted; bilinear resize; normalize). Every limit is checked before decoding: byte size, format
 * by signature, and the pixel count the header declares.
 */
@Component
class Preprocessor implements DisposableBean, RepositoryListener {

    private static final List<byte[]> WARM_UP_IMAGES = warmUpImages();

    private final InferenceProperties properties;
    private final Map<ModelManifest.Preprocessing, ImagePreprocessor> graphs = new ConcurrentHashMap<>();
    private final Semaphore decoding;

    Preprocessor(InferenceProperties properties) {
        this.properties = properties;
        this.decoding = new Semaphore(properties.decodersOrCores());
    }

    /**
     * Builds a loaded model's preprocessing graph and runs it once per format, so its first request
     * pays no set-up (graph, decoder and header-reader initialisation cost about 100 ms).
     */
    @Override
    public void loaded(ServedModel model) {
        for (byte[] image : WARM_UP_IMAGES) {
            apply(image, model.manifest().preprocessing());
        }
    }

    private static List<byte[]> warmUpImages() {
        try {
            List<byte[]> images = new ArrayList<>();
            for (ImageFormat format : ImageFormat.values()) {
                ByteArrayOutputStream encoded = new ByteArrayOutputStream();
                ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), format.name(), encoded);
                images.add(encoded.toByteArray());
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    float[] apply(byte[] image, ModelManifest.Preprocessing spec) {
        if (image.length > properties.maxImageSize().toBytes()) {
            throw new ServingException(ErrorKind.TOO_LARGE, "the image is " + image.length + " bytes; the limit is "
                    + properties.maxImageSize().toBytes());
        }
        ImageFormat format = ImageFormat.of(image);
        Dimension size = format == ImageFormat.PNG ? ImageFormat.pngSize(image) : ImageFormat.jpegSize(image);
        long pixels = (long) size.width * size.height;
        if (size.width < 1 || size.height < 1) {
            throw ServingException.badRequest("the " + format + " header declares an empty image");
        }
        if (pixels > properties.maxPixels()) {
            throw new ServingException(ErrorKind.TOO_LARGE, "the " + format + " header declares " + size.width + "x" + size.height
                    + " = " + pixels + " pixels; the limit is " + properties.maxPixels() + " (not decoded)");
        }
        ImagePreprocessor graph = graphs.computeIfAbsent(spec,
                p -> new ImagePreprocessor(p.height(), p.width(), p.normalization()));
        int scale = format == ImageFormat.JPEG && properties.decodeScaling() ? graph.jpegScale(size.width, size.height) : 1;
        // Waiting here, a request thread is not runnable: the cores go to the decoders at work and
        // to cheap work (refusals, probes, receiving bodies), not to dozens of decoders at once.
        decoding.acquireUninterruptibly();
        try {
            return graph.apply(image, scale);
        } catch (TFInvalidArgumentException | TensorFlowException e) {
            throw ServingException.badRequest("cannot decode the " + format + " image: " + firstLine(e.getMessage()));
        } finally {
            decoding.release();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void destroy() {
        graphs.values().forEach(ImagePreprocessor::close);
        graphs.clear();
    }
}
