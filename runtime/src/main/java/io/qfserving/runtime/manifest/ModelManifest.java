package io.qfserving.runtime.manifest;

import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import io.qfserving.runtime.preprocess.Normalization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        List<Artifact> artifacts,
        Tensor input,
        List<Tensor> outputs,
        Preprocessing preprocessing,
        List<Label> labels,
        long parameters,
        long macsPerImage,
        long fileSizeBytes,
        Accuracy accuracy,
        Training training,
        Quantization quantization,
        String gitCommit,
        String createdAt) {

    public static final String FILE_NAME = "manifest.json";

    public static final String SAVED_MODEL = "tensorflow-savedmodel";
    public static final String ONNX = "onnx";

    /**
     * A model file or folder, relative to the version folder, and its format ({@link #SAVED_MODEL} or
     * {@link #ONNX}). A version may carry the same weights in several formats; the first is the primary.
     */
    public record Artifact(String format, String path) {}

    /**
     * How an int8 version was made from its float source: {@code weights} "per-tensor" or
     * "per-channel" (symmetric int8), activations uint8 with ranges by {@code rangeMethod}, calibrated on
     * {@code calibrationImages} images ({@code imagesPerClass} per class) of {@code calibrationDataset};
     * {@code runtimeOperators} counts the operators ONNX Runtime executes after fusing the QDQ graph.
     */
    public record Quantization(String source, String weights, String activations, String rangeMethod,
            String calibrationDataset, int calibrationImages, int imagesPerClass, long seed,
            Map<String, Integer> runtimeOperators) {}

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
        return new ModelManifest(name, architecture, variant, precision, artifacts, input, outputs, preprocessing,
                labels, parameters, macsPerImage, fileSizeBytes, measured, training, quantization, gitCommit, createdAt);
    }

    public ModelManifest withArtifact(Artifact added) {
        List<Artifact> all = new ArrayList<>(artifacts);
        all.removeIf(a -> a.format().equals(added.format()));
        all.add(added);
        return new ModelManifest(name, architecture, variant, precision, all, input, outputs, preprocessing,
                labels, parameters, macsPerImage, fileSizeBytes, accuracy, training, quantization, gitCommit, createdAt);
    }

    /** An int8 version of this float model: same network and labels, its own file, size and accuracy. */
    public ModelManifest asInt8(String int8Name, Artifact onnx, long sizeBytes, Quantization how, String commit, String created) {
        return new ModelManifest(int8Name, architecture, variant, "int8", List.of(onnx), input, outputs, preprocessing,
                labels, parameters, macsPerImage, sizeBytes, null, training, how, commit, created);
    }

    public Artifact primaryArtifact() {
        return artifacts.getFirst();
    }

    public Optional<Artifact> artifact(String format) {
        return artifacts.stream().filter(a -> a.format().equals(format)).findFirst();
    }

    /** The network this manifest describes, to rebuild it from its weights. */
    public ModelSpec spec() {
        return new ModelSpec(Architecture.fromId(architecture), Variant.fromId(variant), training.width(),
                preprocessing.height(), labels.size());
    }
}
