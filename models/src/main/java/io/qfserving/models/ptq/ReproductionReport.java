package io.qfserving.models.ptq;

import io.qfserving.models.eval.PreprocessedImages;
import io.qfserving.models.export.ModelExporter;
import io.qfserving.models.quant.RangeMethod;
import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The papers' table reproduced on our models: for each float model, its accuracy on both engines,
 * int8 accuracy under three schemes, agreement with float, sizes and latencies, all measured in one
 * run on the same preprocessed validation images. Int8 accuracy is measured for several calibration
 * draws (images drawn with consecutive seeds): schemes differ by a few tenths of a point, about what
 * one draw of 100 images moves them, so one draw alone could not tell them apart.
 */
public final class ReproductionReport {

    static final Scheme MIN_MAX = new Scheme(RangeMethod.MIN_MAX, false);
    static final Scheme PER_CHANNEL = new Scheme(RangeMethod.GREEDY, true);
    static final List<Scheme> SCHEMES = List.of(MIN_MAX, Scheme.PAPERS, PER_CHANNEL);
    /** The greedy schemes, per-tensor then per-channel weights: the ones the agreement and layer studies compare. */
    static final List<Scheme> GREEDY_SCHEMES = List.of(Scheme.PAPERS, PER_CHANNEL);

    /** Timing: warm-up runs, then the median of timed runs, per batch size. */
    private static final Map<Integer, Integer> TIMED_RUNS = Map.of(1, 200, 8, 40);
    private static final int WARM_UP = 10;
    static final int PARITY_IMAGES = 64;
    /** Calibration images per class of the larger draw that shows what more calibration buys. */
    static final int LARGE_PER_CLASS = 50;
    /** The int8/float top-1 agreement a QF model should reach for the label-free replace decision. */
    static final double AGREEMENT_TARGET = 99.5;
    /** Validation images, spread evenly over the folder (so over the classes), the layer diagnostics run on. */
    static final int DIAGNOSTIC_IMAGES = 100;

    /**
     * The most the greedy range search may lose to plain min/max, in points of top-1, for the report's
     * check to say "met".
     */
    static final double GREEDY_TOLERANCE = 0.2;

    /**
     * One model's measurements; accuracies in percent (int8 ones and agreement per calibration draw),
     * latencies in milliseconds per batch; {@code largeCalibration} holds int8 top-1 and agreement per
     * scheme after one draw of {@link #LARGE_PER_CLASS} images per class.
     */
    record Row(String model, ModelManifest manifest, double tensorflowTop1, double onnxFloatTop1, double maxProbabilityGap,
            Map<Scheme, double[]> int8Top1, Map<Scheme, double[]> agreement, long savedModelBytes, long floatOnnxBytes,
            long int8Bytes, Map<String, double[]> latency, LayerDiagnostics diagnostics, Map<Scheme, double[]> largeCalibration) {

        /** Mean int8 top-1 of a scheme over the calibration draws. */
        double int8(Scheme scheme) {
            return mean(int8Top1.get(scheme));
        }

        /** Mean top-1 agreement with float of a scheme over the calibration draws. */
        double agreementWithFloat(Scheme scheme) {
            return mean(agreement.get(scheme));
        }

        private static double mean(double[] perDraw) {
            return Arrays.stream(perDraw).average().orElseThrow();
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final String valDataset;
    private final int valImages;
    private final int calibrationPerClass;
    private final long firstSeed;
    private final int draws;
    private final int threads;

    private ReproductionReport(String valDataset, int valImages, int calibrationPerClass, long firstSeed, int draws, int threads) {
        this.valDataset = valDataset;
        this.valImages = valImages;
        this.calibrationPerClass = calibrationPerClass;
        this.firstSeed = firstSeed;
        this.draws = draws;
        this.threads = threads;
    }

    /**
     * @param seed the first calibration draw's seed (the one {@code models quantize} ships by default);
     *     draw {@code d} uses {@code seed + d}
     * @param draws calibration draws per model
     */
    public static ReproductionReport measure(Path repository, List<String> models, Path trainDir, Path valDir,
            int perClass, long seed, int draws, int threads, PrintStream log) throws IOException {
        if (draws < 1) {
            throw new IllegalArgumentException("need at least one calibration draw, got " + draws);
        }
        ImageFolder val = ImageFolder.scan(valDir);
        ReproductionReport report = new ReproductionReport(ModelExporter.datasetName(valDir), val.samples().size(), perClass,
                seed, draws, threads);
        Map<ModelManifest.Preprocessing, PreprocessedImages> decoded = new LinkedHashMap<>();
        for (String model : models) {
            Path floatDir = newestVersion(repository.resolve(model));
            List<PostTrainingQuantization> calibrations = new ArrayList<>();
            for (int d = 0; d < draws; d++) {
                log.printf("%s: calibrating on %d images per class (seed %d)%n", model, perClass, seed + d);
                calibrations.add(PostTrainingQuantization.calibrate(floatDir, trainDir, perClass, seed + d, 0));
            }
            PreprocessedImages images = decoded.computeIfAbsent(calibrations.getFirst().manifest().preprocessing(), p -> {
                try (ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization())) {
                    return PreprocessedImages.load(val, preprocessor);
                }
            });
            log.printf("%s: calibrating on %d images per class (seed %d)%n", model, LARGE_PER_CLASS, seed);
            PostTrainingQuantization large = PostTrainingQuantization.calibrate(floatDir, trainDir, LARGE_PER_CLASS, seed, 0);
            report.rows.add(report.measureModel(model, floatDir, calibrations, large, images, log));
        }
        return report;
    }

    private Row measureModel(String model, Path floatDir, List<PostTrainingQuantization> calibrations,
            PostTrainingQuantization largeCalibration, PreprocessedImages images,
            PrintStream log) {
        PostTrainingQuantization ptq = calibrations.getFirst();
        ModelManifest manifest = ptq.manifest();
        int size = manifest.preprocessing().height();
        byte[] floatOnnx = ptq.floatOnnx();
        Map<String, double[]> latency = new LinkedHashMap<>();
        double tensorflowTop1;
        double onnxTop1;
        double gap;
        PreprocessedImages.Scored floatScore;
        try (Classifier tensorflow = Engines.open(floatDir, manifest, manifest.artifact(ModelManifest.SAVED_MODEL).orElseThrow(), threads);
                OnnxClassifier onnx = new OnnxClassifier(floatOnnx, size, size, threads)) {
            tensorflowTop1 = images.score(tensorflow).result().top1();
            floatScore = images.score(onnx);
            onnxTop1 = floatScore.result().top1();
            gap = maxGap(tensorflow, onnx, images.images().subList(0, PARITY_IMAGES));
            latency.put("TensorFlow float", latencies(tensorflow, images));
            latency.put("ONNX Runtime float", latencies(onnx, images));
        }
        Map<Scheme, double[]> int8Top1 = new LinkedHashMap<>();
        Map<Scheme, double[]> agreement = new LinkedHashMap<>();
        long int8Bytes = 0;
        for (Scheme scheme : SCHEMES) {
            double[] top1 = new double[calibrations.size()];
            double[] agreed = new double[calibrations.size()];
            for (int d = 0; d < calibrations.size(); d++) {
                byte[] int8 = calibrations.get(d).int8(scheme);
                try (OnnxClassifier onnx = new OnnxClassifier(int8, size, size, threads)) {
                    PreprocessedImages.Scored score = images.score(onnx);
                    top1[d] = score.result().top1();
                    agreed[d] = score.agreement(floatScore);
                    if (d == 0 && scheme.equals(Scheme.PAPERS)) {
                        int8Bytes = int8.length;
                        latency.put("ONNX Runtime int8", latencies(onnx, images));
                    }
                }
                log.printf("%s: int8 %s, draw %d: top-1 %.2f%%%n", model, scheme, d + 1, top1[d]);
            }
            int8Top1.put(scheme, top1);
            agreement.put(scheme, agreed);
        }
        Map<Scheme, double[]> large = new LinkedHashMap<>();
        for (Scheme scheme : GREEDY_SCHEMES) {
            try (OnnxClassifier onnx = new OnnxClassifier(largeCalibration.int8(scheme), size, size, threads)) {
                PreprocessedImages.Scored score = images.score(onnx);
                large.put(scheme, new double[] {score.result().top1(), score.agreement(floatScore)});
            }
        }
        long savedModelBytes = ModelExporter.sizeOf(floatDir.resolve(manifest.artifact(ModelManifest.SAVED_MODEL).orElseThrow().path()));
        return new Row(model, manifest, tensorflowTop1, onnxTop1, gap, int8Top1, agreement, savedModelBytes,
                floatOnnx.length, int8Bytes, latency, ptq.diagnose(evenlySpaced(images.images(), DIAGNOSTIC_IMAGES), threads), large);
    }

    private static List<float[]> evenlySpaced(List<float[]> images, int count) {
        int picked = Math.min(count, images.size());
        return IntStream.range(0, picked).mapToObj(i -> images.get((int) ((long) i * images.size() / picked))).toList();
    }

    private static double maxGap(Classifier a, Classifier b, List<float[]> images) {
        float[][] pa = a.probabilities(images);
        float[][] pb = b.probabilities(images);
        double gap = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int c = 0; c < pa[i].length; c++) {
                gap = Math.max(gap, Math.abs(pa[i][c] - pb[i][c]));
            }
        }
        return gap;
    }

    /** Median milliseconds per call at batch 1 and batch 8. */
    private static double[] latencies(Classifier classifier, PreprocessedImages images) {
        double[] medians = new double[2];
        int slot = 0;
        for (int batch : new int[] {1, 8}) {
            List<float[]> inputs = images.images().subList(0, batch);
            for (int i = 0; i < WARM_UP; i++) {
                classifier.probabilities(inputs);
            }
            long[] nanos = new long[TIMED_RUNS.get(batch)];
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                classifier.probabilities(inputs);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            medians[slot++] = nanos[nanos.length / 2] / 1e6;
        }
        return medians;
    }

    private static Path newestVersion(Path modelDir) throws IOException {
        try (var versions = Files.list(modelDir)) {
            return versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
                            Integer.parseInt(b.getFileName().toString())))
                    .orElseThrow(() -> new IllegalArgumentException("no versions under " + modelDir));
        }
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Writes the markdown report and, beside it, the chart it links to. */
    public void write(Path markdown, String commandLine) throws IOException {
        new ReportDocument(valDataset, valImages, calibrationPerClass, firstSeed, draws, threads, rows()).write(markdown, commandLine);
    }
}
