package io.qfserving.models.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.qfserving.models.data.Normalization;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code manifest.json} beside each model version: what the model is, how to feed it, what it
 * costs and how accurate it measured. The service reads it to preprocess, label and report.
 */
public record ModelManifest(
        String name,
        String architecture,
        String variant,
        String precision,
        Artifact artifact,
        Tensor input,
        List<Tensor> outputs,
        Preprocessing preprocessing,
        List<Label> labels,
        long parameters,
        long macsPerImage,
        long fileSizeBytes,
        Accuracy accuracy,
        Training training,
        String gitCommit,
        String createdAt) {

    public static final String FILE_NAME = "manifest.json";

    /** The model file or folder, relative to the version folder, and the engine format it needs. */
    public record Artifact(String format, String path) {}

    public record Tensor(String name, String datatype, List<Long> shape) {}

    /** Decode to RGB, resize to height x width, then (x - mean) / std per channel, NHWC. */
    public record Preprocessing(String colorSpace, int height, int width, String resize, List<Float> mean,
                                List<Float> std, String layout) {

        public Normalization normalization() {
            return new Normalization(toArray(mean), toArray(std));
        }

        private static float[] toArray(List<Float> values) {
            float[] array = new float[values.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = values.get(i);
            }
            return array;
        }
    }

    public record Label(int index, String synset, String name) {}

    /** Top-1 / top-5 in percent, measured on {@code images} images of {@code dataset}. */
    public record Accuracy(String dataset, int images, double top1, double top5) {}

    public record Training(double width, int resolution, int epochs, int batchSize, double learningRate,
                           double warmupEpochs, double weightDecay, double depthwiseL2, double labelSmoothing,
                           long seed, int bestEpoch, double trainSeconds, String dataset, int trainImages,
                           String optimizer, String augmentation) {}

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static ModelManifest read(Path versionDir) {
        Path file = versionDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + FILE_NAME + " in " + versionDir);
        }
        return JSON.readValue(file.toFile(), ModelManifest.class);
    }

    public void write(Path versionDir) {
        try {
            Files.createDirectories(versionDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JSON.writeValue(versionDir.resolve(FILE_NAME).toFile(), this);
    }

    public ModelManifest withAccuracy(Accuracy measured) {
        return new ModelManifest(name, architecture, variant, precision, artifact, input, outputs, preprocessing,
                labels, parameters, macsPerImage, fileSizeBytes, measured, training, gitCommit, createdAt);
    }
}
