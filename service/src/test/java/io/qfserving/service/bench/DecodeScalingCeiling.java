package io.qfserving.service.bench;

import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The most that decode scaling can speed up a request, measured on one thread without a server: the
 * request's preprocessing at full size and at the scale the server would choose, and the model's
 * inference at batch 1, image by image in turns. Scaling shortens only the preprocessing, so a
 * request cannot be sped up more than its preprocessing is, whatever the rest costs; with the rest
 * costing at least a batch-1 inference, (full preprocessing + inference) / (scaled preprocessing +
 * inference). Batching makes inference a little cheaper an image, transport and queueing add cost
 * that scaling does not touch.
 */
final class DecodeScalingCeiling {

    private static final int ROUNDS = 12;
    private static final int WARM_UP_ROUNDS = 2;

    private DecodeScalingCeiling() {}

    /** One line: milliseconds per image for each part, the scales used and the ceiling. */
    static String measure(List<byte[]> images, Path modelVersion) throws IOException {
        ModelManifest manifest = ModelManifest.read(modelVersion);
        ModelManifest.Preprocessing p = manifest.preprocessing();
        try (ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization());
                Classifier classifier = Engines.open(modelVersion, manifest, manifest.primaryArtifact(), 1)) {
            int[] scales = serverScales(images, preprocessor);
            int scaled = (int) Arrays.stream(scales).filter(scale -> scale > 1).count();
            long full = 0;
            long atScale = 0;
            long inference = 0;
            for (int round = 0; round < ROUNDS; round++) {
                boolean counted = round >= WARM_UP_ROUNDS;
                for (int i = 0; i < scales.length; i++) {
                    byte[] image = images.get(i);
                    long start = System.nanoTime();
                    float[] pixels = preprocessor.apply(image, 1);
                    long decoded = System.nanoTime();
                    preprocessor.apply(image, scales[i]);
                    long decodedAtScale = System.nanoTime();
                    classifier.scores(List.of(pixels));
                    long inferred = System.nanoTime();
                    if (counted) {
                        full += decoded - start;
                        atScale += decodedAtScale - decoded;
                        inference += inferred - decodedAtScale;
                    }
                }
            }
            double n = (double) (ROUNDS - WARM_UP_ROUNDS) * scales.length * 1e6;
            double fullMs = full / n;
            double scaledMs = atScale / n;
            double inferenceMs = inference / n;
            return String.format(Locale.ROOT,
                    "one thread, %d images (%d decoded at a scale): preprocessing %.3f ms full, %.3f ms scaled (%.2fx); "
                            + "%s inference at batch 1 %.3f ms: a request's speed-up is at most %.2fx, %.2fx with that inference",
                    scales.length, scaled, fullMs, scaledMs, fullMs / scaledMs, manifest.precision(), inferenceMs,
                    fullMs / scaledMs, (fullMs + inferenceMs) / (scaledMs + inferenceMs));
        }
    }

    /** The scale the server decodes each JPEG at, from its header. */
    static int[] serverScales(List<byte[]> images, ImagePreprocessor preprocessor) throws IOException {
        int[] scales = new int[images.size()];
        for (int i = 0; i < scales.length; i++) {
            int[] size = jpegSize(images.get(i));
            scales[i] = preprocessor.jpegScale(size[0], size[1]);
        }
        return scales;
    }

    /** Width and height from the image's header. */
    private static int[] jpegSize(byte[] jpeg) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }
}
