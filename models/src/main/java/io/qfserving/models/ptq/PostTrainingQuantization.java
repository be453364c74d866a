package io.qfserving.models.ptq;

import io.qfserving.models.eval.PreprocessedImages;
import io.qfserving.models.export.GitCommit;
import io.qfserving.models.export.ModelExporter;
import io.qfserving.models.onnx.OnnxExport;
import io.qfserving.models.onnx.OnnxOptimization;
import io.qfserving.models.quant.Histogram;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.tf.FoldedWeights;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Post-training quantization of one float model version, as the QF-MobileNet papers do it: the
 * folded weights come from the exported graph, the float model runs over calibration images (a few
 * per class from the training folder) while every activation to be quantized is histogrammed, and
 * each {@link Scheme} turns those histograms into an int8 ONNX graph.
 */
public final class PostTrainingQuantization {

    public static final String INT8_SUFFIX = "-int8";
    public static final String INT8_FILE = "model.onnx";

    private final Path floatDir;
    private final ModelManifest manifest;
    private final ModelSpec spec;
    private final Map<String, TensorValue> weights;
    private final Map<String, Histogram> histograms;
    private final ImageFolder calibration;
    private final int perClass;
    private final long seed;

    private PostTrainingQuantization(Path floatDir, ModelManifest manifest, Map<String, TensorValue> weights,
            Map<String, Histogram> histograms, ImageFolder calibration, int perClass, long seed) {
        this.floatDir = floatDir;
        this.manifest = manifest;
        this.spec = manifest.spec();
        this.weights = weights;
        this.histograms = histograms;
        this.calibration = calibration;
        this.perClass = perClass;
        this.seed = seed;
    }

    /** Reads the float version in {@code floatDir} and calibrates it on {@code perClass} images per class. */
    public static PostTrainingQuantization calibrate(Path floatDir, Path trainDir, int perClass, long seed, int threads) {
        ModelManifest manifest = ModelManifest.read(floatDir);
        if (!manifest.precision().equals("float32")) {
            throw new IllegalArgumentException(floatDir + " is not a float model (" + manifest.precision() + ")");
        }
        Path savedModel = floatDir.resolve(manifest.artifact(ModelManifest.SAVED_MODEL)
                .orElseThrow(() -> new IllegalArgumentException(floatDir + " has no SavedModel")).path());
        Map<String, TensorValue> weights = FoldedWeights.read(savedModel);
        ImageFolder calibration = ImageFolder.scan(trainDir).sample(perClass, seed);
        ModelManifest.Preprocessing p = manifest.preprocessing();
        PreprocessedImages images;
        try (ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization())) {
            images = PreprocessedImages.load(calibration, preprocessor);
        }
        Map<String, Histogram> histograms = Calibration.record(manifest.spec(), weights, images.images(), threads);
        return new PostTrainingQuantization(floatDir, manifest, weights, histograms, calibration, perClass, seed);
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /**
     * The layer-by-layer view of what int8 does to this model, on {@code images} (preprocessed, NHWC),
     * with both engines on {@code threads} intra-op threads.
     */
    public LayerDiagnostics diagnose(List<float[]> images, int threads) {
        return LayerDiagnostics.measure(spec, weights, this::plan, images, threads);
    }

    public byte[] floatOnnx() {
        return OnnxExport.floatModel(spec, weights).bytes();
    }

    public byte[] int8(Scheme scheme) {
        return OnnxExport.int8Model(spec, weights, plan(scheme)).bytes();
    }

    private QuantizationPlan plan(Scheme scheme) {
        return QuantizationPlan.fromHistograms(histograms, scheme.rangeMethod(), scheme.perChannelWeights());
    }

    /** Writes the float ONNX beside the SavedModel and lists it in the float manifest. */
    public Path writeFloatOnnx() throws IOException {
        Path file = Files.write(floatDir.resolve(OnnxExport.FLOAT_FILE), floatOnnx());
        manifest.withArtifact(new ModelManifest.Artifact(ModelManifest.ONNX, OnnxExport.FLOAT_FILE)).write(floatDir);
        return file;
    }

    /**
     * Writes {@code repository/<name>-int8/<version>/} with the int8 ONNX and a manifest whose accuracy
     * is measured on {@code evalDir} through the serving preprocessing.
     */
    public ModelManifest writeInt8(Path repository, int version, Scheme scheme, Path evalDir) throws IOException {
        byte[] model = int8(scheme);
        Path versionDir = repository.resolve(manifest.name() + INT8_SUFFIX).resolve(Integer.toString(version));
        Files.createDirectories(versionDir);
        Files.write(versionDir.resolve(INT8_FILE), model);
        ModelManifest.Quantization how = new ModelManifest.Quantization(
                manifest.name() + "/" + floatDir.getFileName(), scheme.weights() + " symmetric int8",
                "per-tensor asymmetric uint8", scheme.rangeMethodId(), ModelExporter.datasetName(calibration.root()),
                calibration.samples().size(), perClass, seed, OnnxOptimization.optimizedOperators(model));
        ModelManifest int8 = manifest.asInt8(manifest.name() + INT8_SUFFIX,
                new ModelManifest.Artifact(ModelManifest.ONNX, INT8_FILE), model.length, how,
                GitCommit.describe(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        int8 = int8.withAccuracy(ModelExporter.measure(versionDir, int8, evalDir));
        int8.write(versionDir);
        return int8;
    }
}
