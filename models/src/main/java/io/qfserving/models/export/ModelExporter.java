package io.qfserving.models.export;

import io.qfserving.models.data.ClassNames;
import io.qfserving.models.eval.DatasetEvaluator;
import io.qfserving.models.eval.Evaluation;
import io.qfserving.models.tf.ClassifierGraph;
import io.qfserving.models.tf.GraphCost;
import io.qfserving.models.tf.ParameterStore;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.models.tf.VariableLayers;
import io.qfserving.models.train.TrainConfig;
import io.qfserving.models.train.Trainer;
import io.qfserving.models.train.TrainingState;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.engine.ClassifierSignature;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.Normalization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/**
 * Turns a training run into a model-repository version: the folded SavedModel, and a manifest with
 * costs read off the graph and accuracy measured on the exported model itself.
 */
public final class ModelExporter {

    private ModelExporter() {}

    /** Exports {@code runDir}'s best checkpoint to {@code repository/<name>/<version>/}. */
    public static ModelManifest export(Path runDir, Path repository, int version, Path evalDir) throws IOException {
        TrainingState state = Trainer.readState(runDir);
        TrainConfig config = state.config();
        ModelSpec spec = config.spec();
        Map<String, TensorValue> values = Trainer.bestValues(config);
        Path versionDir = repository.resolve(spec.name()).resolve(Integer.toString(version));
        Path savedModel = SavedModelExport.export(spec, values, versionDir);

        ImageFolder train = ImageFolder.scan(config.trainDir());
        GraphCost cost = cost(spec);
        ModelManifest manifest = new ModelManifest(
                spec.name(), spec.architecture().id(), spec.variant().id(), "float32",
                List.of(new ModelManifest.Artifact(ModelManifest.SAVED_MODEL, SavedModelExport.DIRECTORY)),
                new ModelManifest.Tensor(ClassifierSignature.INPUT, "FP32",
                        List.of(-1L, (long) spec.resolution(), (long) spec.resolution(), 3L)),
                List.of(new ModelManifest.Tensor(ClassifierSignature.PROBS, "FP32", List.of(-1L, (long) spec.classes())),
                        new ModelManifest.Tensor(ClassifierSignature.LOGITS, "FP32", List.of(-1L, (long) spec.classes()))),
                preprocessing(spec, Normalization.MINUS_ONE_TO_ONE),
                labels(train.classes()),
                cost.parameters(), cost.macsPerImage(), sizeOf(savedModel),
                null,
                new ModelManifest.Training(spec.width(), spec.resolution(), config.epochs(), config.batchSize(),
                        config.learningRate(), config.warmupEpochs(), config.weightDecay(), config.depthwiseL2(),
                        config.labelSmoothing(), config.seed(), state.bestEpoch(), round(state.trainSeconds()),
                        datasetName(config.trainDir()), train.samples().size(),
                        "Adam, linear warm-up then cosine decay",
                        String.format("random resized crop (area %.2f-1, aspect 3:4-4:3), horizontal flip", config.minCropArea())),
                null, GitCommit.describe(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        manifest = manifest.withAccuracy(measure(versionDir, manifest, evalDir != null ? evalDir : config.valDir()));
        manifest.write(versionDir);
        return manifest;
    }

    /** Top-1 and top-5 of the exported model on a labelled folder, through the serving preprocessing. */
    public static ModelManifest.Accuracy measure(Path versionDir, ModelManifest manifest, Path dataDir) {
        Evaluation.Result result = DatasetEvaluator.evaluate(versionDir, manifest, ImageFolder.scan(dataDir));
        return new ModelManifest.Accuracy(datasetName(dataDir), result.images(), result.top1(), result.top5());
    }

    public static GraphCost cost(ModelSpec spec) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ClassifierGraph.build(tf, spec, VariableLayers.inference(tf, new ParameterStore(tf)));
            return GraphCost.of(graph);
        }
    }

    static ModelManifest.Preprocessing preprocessing(ModelSpec spec, Normalization normalization) {
        return new ModelManifest.Preprocessing("RGB", spec.resolution(), spec.resolution(), "bilinear, half-pixel centers",
                toList(normalization.mean()), toList(normalization.std()), "NHWC");
    }

    private static List<Float> toList(float[] values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    static List<ModelManifest.Label> labels(List<String> synsets) {
        List<ModelManifest.Label> labels = new ArrayList<>();
        for (int i = 0; i < synsets.size(); i++) {
            labels.add(new ModelManifest.Label(i, synsets.get(i), ClassNames.of(synsets.get(i))));
        }
        return labels;
    }

    /** "imagenette2-224/val" for .../imagenette2-224/val: the dataset without the machine's path. */
    public static String datasetName(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        int n = abs.getNameCount();
        return n >= 2 ? abs.subpath(n - 2, n).toString() : abs.toString();
    }

    public static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
