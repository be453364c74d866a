package io.qfserving.models.onnx;

import ai.onnx.proto.OnnxMl;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.engine.ClassifierSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * ONNX classifiers with the serving signature of the SavedModels: input {@code image} float32
 * [N, H, W, 3] (NHWC, preprocessed as the manifest says; transposed to NCHW inside), outputs
 * {@code logits} and {@code probs} [N, classes].
 */
public final class OnnxExport {

    public static final String FLOAT_FILE = "model.onnx";

    private OnnxExport() {}

    /**
     * A built model; the activation tensors its int8 form quantizes, in graph order; for a tapped
     * model, the graph output that exposes each of them; and the activation each depthwise layer reads.
     */
    public record Built(OnnxMl.ModelProto model, List<String> activations, Map<String, String> taps,
            List<DepthwiseInput> depthwiseInputs) {

        public byte[] bytes() {
            return model.toByteArray();
        }

        public Path write(Path file) throws IOException {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes());
        }
    }

    /** A depthwise layer and the activation (NCHW, {@code channels} channels) it reads. */
    public record DepthwiseInput(String layer, String activation, int channels) {}

    public static Built floatModel(ModelSpec spec, Map<String, TensorValue> weights) {
        return build(spec, weights, null, false);
    }

    /** The float model with every activation to be quantized also exposed as an output. */
    public static Built calibrationModel(ModelSpec spec, Map<String, TensorValue> weights) {
        return build(spec, weights, null, true);
    }

    /**
     * The int8 model with each activation's dequantized copy exposed as an output. Exposing them keeps
     * ONNX Runtime from fusing into integer kernels, so the convolutions run in float on the same
     * quantized values: the int8 model's numbers up to float rounding, layer by layer.
     */
    public static Built tappedInt8Model(ModelSpec spec, Map<String, TensorValue> weights, QuantizationPlan plan) {
        return build(spec, weights, plan, true);
    }

    public static Built int8Model(ModelSpec spec, Map<String, TensorValue> weights, QuantizationPlan plan) {
        return build(spec, weights, plan, false);
    }

    private static Built build(ModelSpec spec, Map<String, TensorValue> weights, QuantizationPlan plan, boolean tapActivations) {
        OnnxGraph graph = new OnnxGraph();
        int r = spec.resolution();
        graph.input(ClassifierSignature.INPUT, -1, r, r, 3);
        String nchw = graph.node(OnnxOp.TRANSPOSE, List.of(ClassifierSignature.INPUT), "image_nchw",
                Map.of("perm", new int[] {0, 3, 1, 2}));
        OnnxLayers layers = new OnnxLayers(graph, weights, plan);
        OnnxLayers.Tensor logits = spec.logits(layers, new OnnxLayers.Tensor(nchw, 3, r, r));
        graph.node(ONNXOperators.IDENTITY, List.of(logits.name()), ClassifierSignature.LOGITS);
        graph.node(ONNXOperators.SOFTMAX, List.of(ClassifierSignature.LOGITS), ClassifierSignature.PROBS, Map.of("axis", 1));
        graph.output(ClassifierSignature.PROBS, -1, spec.classes());
        graph.output(ClassifierSignature.LOGITS, -1, spec.classes());
        Map<String, String> taps = new LinkedHashMap<>();
        if (tapActivations) {
            layers.activations().forEach(a -> taps.put(a, plan == null ? a : layers.dequantizedCopies().get(a)));
            taps.values().forEach(graph::output);
        }
        String name = spec.name() + (plan == null ? "" : "-int8");
        return new Built(graph.model(name), List.copyOf(layers.activations()), taps,
                List.copyOf(layers.depthwiseInputs()));
    }
}
