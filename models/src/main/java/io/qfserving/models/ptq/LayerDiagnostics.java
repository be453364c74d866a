package io.qfserving.models.ptq;

import io.qfserving.models.onnx.OnnxExport;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.engine.ClassifierSignature;
import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Why int8 keeps or loses a model's accuracy, layer by layer, measured the way Sheng et al. (2018,
 * section 3) argue it:
 * <ul>
 * <li>the signal-to-quantization-noise ratio (SQNR, dB) of every quantized activation and of the
 * logits: the int8 graph's value against the float graph's on the same images, so the noise of
 * every layer before it accumulates, as in the paper's per-layer plot; once with per-tensor weight
 * scales (the papers' scheme) and once per channel;</li>
 * <li>per depthwise layer, how far the largest channel's weight range lies above the median
 * channel's after BatchNorm folding: one per-tensor scale leaves a channel k times below the largest
 * only 127 / k levels;</li>
 * <li>per depthwise layer, the channels whose input is near-dead (never above 1% of the median
 * channel's largest value on these images): their BatchNorm variance is about zero, so folding
 * divides their weights by the square root of the epsilon, the explosion the papers trace the
 * collapse to. The QF layers have no BatchNorm there, so nothing is divided.</li>
 * </ul>
 */
public record LayerDiagnostics(List<ActivationNoise> activations, ActivationNoise logits, List<DepthwiseLayer> depthwise) {

    /** A channel whose input never exceeds this fraction of the median channel's largest |value|. */
    static final double NEAR_DEAD = 0.01;

    private static final int BATCH = 10;

    /** SQNR in dB of one tensor, int8 with per-tensor and with per-channel weight scales. */
    public record ActivationNoise(String tensor, double perTensorDb, double perChannelDb) {}

    /** One depthwise layer: its channels, the spread of its folded weights, channels with near-dead input. */
    public record DepthwiseLayer(String layer, int channels, double spread, int nearDeadInputs) {}

    /** The worst depthwise spread, the figure the papers' argument turns on. */
    public double worstDepthwiseSpread() {
        return depthwise.stream().mapToDouble(DepthwiseLayer::spread).max().orElse(1);
    }

    public int nearDeadInputs() {
        return depthwise.stream().mapToInt(DepthwiseLayer::nearDeadInputs).sum();
    }

    public double lowestActivationSqnr() {
        return activations.stream().mapToDouble(ActivationNoise::perTensorDb).min().orElseThrow();
    }

    static LayerDiagnostics measure(ModelSpec spec, Map<String, TensorValue> weights, Function<Scheme, QuantizationPlan> plans,
            List<float[]> images, int threads) {
        OnnxExport.Built reference = OnnxExport.calibrationModel(spec, weights);
        List<String> tensors = new ArrayList<>(reference.activations());
        tensors.add(ClassifierSignature.LOGITS);
        List<String> exactOutputs = outputs(reference, tensors);
        Map<String, double[]> maxAbsByChannel = new LinkedHashMap<>();
        reference.depthwiseInputs().forEach(d -> maxAbsByChannel.put(d.activation(), new double[d.channels()]));
        double[] signal = new double[tensors.size()];
        int size = spec.resolution();
        List<Int8Noise> int8 = new ArrayList<>();
        try (OnnxClassifier floatModel = new OnnxClassifier(reference.bytes(), size, size, threads)) {
            for (Scheme scheme : ReproductionReport.GREEDY_SCHEMES) {
                int8.add(new Int8Noise(OnnxExport.tappedInt8Model(spec, weights, plans.apply(scheme)), tensors, size, threads));
            }
            for (int from = 0; from < images.size(); from += BATCH) {
                List<float[]> batch = images.subList(from, Math.min(images.size(), from + BATCH));
                Map<String, float[]> outputs = floatModel.outputs(batch, Set.copyOf(exactOutputs));
                List<float[]> exact = exactOutputs.stream().map(outputs::get).toList();
                maxAbsByChannel.forEach((activation, maxAbs) -> recordChannelMaxima(outputs.get(activation), batch.size(), maxAbs));
                for (int t = 0; t < tensors.size(); t++) {
                    signal[t] += sumOfSquares(exact.get(t));
                }
                int8.forEach(q -> q.add(batch, exact));
            }
        } finally {
            int8.forEach(Int8Noise::close);
        }
        List<ActivationNoise> activations = new ArrayList<>();
        // GREEDY_SCHEMES lists per-tensor weights, then per-channel ones.
        for (int t = 0; t < tensors.size(); t++) {
            activations.add(new ActivationNoise(tensors.get(t), decibels(signal[t], int8.get(0).noise[t]),
                    decibels(signal[t], int8.get(1).noise[t])));
        }
        Map<String, Double> spreads = depthwiseSpreads(weights);
        List<DepthwiseLayer> depthwise = reference.depthwiseInputs().stream()
                .map(d -> new DepthwiseLayer(d.layer(), d.channels(), spreads.get(d.layer() + "/weights"),
                        nearDead(maxAbsByChannel.get(d.activation()))))
                .toList();
        return new LayerDiagnostics(List.copyOf(activations.subList(0, activations.size() - 1)), activations.getLast(), depthwise);
    }

    /** The graph output that exposes each tensor: its tap, or the logits output itself. */
    private static List<String> outputs(OnnxExport.Built built, List<String> tensors) {
        return tensors.stream().map(t -> t.equals(ClassifierSignature.LOGITS) ? t : built.taps().get(t)).toList();
    }

    /** One int8 graph, tapped, and its squared error against the float graph, summed per tensor. */
    private static final class Int8Noise implements AutoCloseable {

        private final OnnxClassifier model;
        private final List<String> outputs;
        private final double[] noise;

        Int8Noise(OnnxExport.Built built, List<String> tensors, int size, int threads) {
            this.outputs = outputs(built, tensors);
            this.noise = new double[tensors.size()];
            this.model = new OnnxClassifier(built.bytes(), size, size, threads);
        }

        void add(List<float[]> batch, List<float[]> exact) {
            Map<String, float[]> approximate = model.outputs(batch, Set.copyOf(outputs));
            for (int t = 0; t < outputs.size(); t++) {
                noise[t] += squaredError(exact.get(t), approximate.get(outputs.get(t)));
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Per depthwise layer, the largest channel's largest |weight| over the median channel's. Kernels
     * are [kh, kw, channels, 1], so the channel is the flat index modulo the channel count.
     */
    static Map<String, Double> depthwiseSpreads(Map<String, TensorValue> weights) {
        Map<String, Double> spreads = new LinkedHashMap<>();
        weights.forEach((name, w) -> {
            if (name.endsWith("/depthwise/weights")) {
                int channels = Math.toIntExact(w.shape().get(2));
                double[] maxAbs = new double[channels];
                for (int i = 0; i < w.data().length; i++) {
                    maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(w.data()[i]));
                }
                double median = median(maxAbs);
                double largest = Arrays.stream(maxAbs).max().orElse(0);
                spreads.put(name, median > 0 ? largest / median : Double.POSITIVE_INFINITY);
            }
        });
        return spreads;
    }

    /** Folds an NCHW batch into each channel's largest |value| so far. */
    private static void recordChannelMaxima(float[] nchw, int images, double[] maxAbs) {
        int channels = maxAbs.length;
        int plane = nchw.length / (images * channels);
        for (int i = 0; i < nchw.length; i++) {
            int c = (i / plane) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(nchw[i]));
        }
    }

    private static int nearDead(double[] maxAbs) {
        double threshold = NEAR_DEAD * median(maxAbs);
        return (int) Arrays.stream(maxAbs).filter(m -> m <= threshold).count();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double sumOfSquares(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return sum;
    }

    private static double squaredError(float[] exact, float[] approximate) {
        double sum = 0;
        for (int i = 0; i < exact.length; i++) {
            double d = (double) exact[i] - approximate[i];
            sum += d * d;
        }
        return sum;
    }

    static double decibels(double signal, double noise) {
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }
}
