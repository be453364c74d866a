package io.qfserving.models.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.qfserving.models.quant.LinearQuantizer;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.quant.QuantizedTensor;
import io.qfserving.models.quant.WeightQuantizer;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.Layers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * The architectures written out as an ONNX graph (NCHW) from {@code FoldedWeights}.
 *
 * <p>Without a {@link QuantizationPlan} the graph is float. With one it is a QDQ graph: every
 * activation that feeds a conv, depthwise conv, residual add, pooling or the classifier passes
 * through QuantizeLinear/DequantizeLinear (uint8, its calibrated scale and zero point), weights are
 * int8 initializers behind DequantizeLinear and biases int32 on the accumulator's scale. ONNX
 * Runtime fuses these patterns into QLinearConv, QLinearAdd and QGemm, its integer kernels.
 * Quantizing at the consumer names each such activation once, in {@link #activations()}, which is
 * also the list of tensors calibration records.
 */
final class OnnxLayers implements Layers<OnnxLayers.Tensor> {

    /** An NCHW activation: its tensor name, channels and spatial size. */
    record Tensor(String name, int channels, int height, int width) {}

    private final OnnxGraph graph;
    private final Map<String, TensorValue> weights;
    private final QuantizationPlan plan;
    private final SequencedSet<String> activations = new LinkedHashSet<>();
    private final Map<String, String> dequantized = new LinkedHashMap<>();
    private final List<OnnxExport.DepthwiseInput> depthwiseInputs = new ArrayList<>();
    private int adds;
    private boolean relu6Bounds;
    private boolean unsqueezeAxes;

    /** @param plan null for a float graph */
    OnnxLayers(OnnxGraph graph, Map<String, TensorValue> weights, QuantizationPlan plan) {
        this.graph = graph;
        this.weights = weights;
        this.plan = plan;
    }

    SequencedSet<String> activations() {
        return activations;
    }

    /** Each activation's quantized-then-dequantized copy, the value the int8 graph computes with. */
    Map<String, String> dequantizedCopies() {
        return dequantized;
    }

    /** The activation each depthwise layer reads, in graph order. */
    List<OnnxExport.DepthwiseInput> depthwiseInputs() {
        return depthwiseInputs;
    }

    @Override
    public Tensor conv(String name, Tensor x, int kernel, int filters, int stride, boolean batchNorm) {
        return convolution(name, x, kernel, filters, stride, 1);
    }

    @Override
    public Tensor depthwise(String name, Tensor x, int kernel, int stride, boolean batchNorm) {
        depthwiseInputs.add(new OnnxExport.DepthwiseInput(name, x.name(), x.channels()));
        return convolution(name, x, kernel, x.channels(), stride, x.channels());
    }

    private Tensor convolution(String name, Tensor x, int kernel, int filters, int stride, int groups) {
        String input = input(x);
        int inPerGroup = x.channels() / groups;
        int[] order = onnxKernelOrder(kernel, inPerGroup, filters);
        long[] dims = {filters, inPerGroup, kernel, kernel};
        List<String> inputs = withWeightAndBias(input, name, x, filters, order, dims, 0);
        int outHeight = ceilDiv(x.height(), stride);
        int outWidth = ceilDiv(x.width(), stride);
        int padHeight = Math.max((outHeight - 1) * stride + kernel - x.height(), 0);
        int padWidth = Math.max((outWidth - 1) * stride + kernel - x.width(), 0);
        // TensorFlow's SAME padding puts the odd pixel at the end: [top, left, bottom, right].
        int[] pads = {padHeight / 2, padWidth / 2, padHeight - padHeight / 2, padWidth - padWidth / 2};
        String out = graph.node(OnnxOp.CONV, inputs, name, Map.of(
                "kernel_shape", new int[] {kernel, kernel}, "strides", new int[] {stride, stride},
                "pads", pads, "group", groups));
        return new Tensor(out, filters, outHeight, outWidth);
    }

    @Override
    public Tensor dense(String name, Tensor x, int units) {
        String input = input(x);
        int[] identity = new int[x.channels() * units];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        List<String> inputs = withWeightAndBias(input, name, x, units, identity, new long[] {x.channels(), units}, 1);
        return new Tensor(graph.node(ONNXOperators.GEMM, inputs, name + "/gemm"), units, 1, 1);
    }

    /**
     * {@code input}, then the weight input (and bias input, where the layer has one) of a layer whose TensorFlow kernel has
     * the output channel last. {@code order[j]} is the TensorFlow index of ONNX element j;
     * {@code channelAxis} is the output-channel axis in ONNX layout.
     */
    private List<String> withWeightAndBias(String input, String name, Tensor x, int channels, int[] order, long[] dims, int channelAxis) {
        float[] kernel = weight(name + "/weights").data();
        TensorValue bias = weights.get(name + "/bias");
        if (plan == null) {
            String w = graph.floats(name + "/weights", dims, reorder(kernel, order));
            return bias == null ? List.of(input, w)
                    : List.of(input, w, graph.floats(name + "/bias", new long[] {channels}, bias.data()));
        }
        QuantizedTensor q = plan.perChannelWeights()
                ? WeightQuantizer.perChannel(kernel, channels) : WeightQuantizer.perTensor(kernel);
        int[] values = new int[order.length];
        for (int j = 0; j < order.length; j++) {
            values[j] = q.values()[order[j]];
        }
        String w = dequantize(name + "/weights", DataType.INT8, dims, values, q.scales(), channelAxis);
        if (bias == null) {
            return List.of(input, w);
        }
        QuantizedTensor b = WeightQuantizer.bias(bias.data(), plan.activation(x.name()).scale(), q);
        return List.of(input, w, dequantize(name + "/bias", DataType.INT32, new long[] {channels}, b.values(), b.scales(), 0));
    }

    /** An integer initializer behind DequantizeLinear with zero points 0, per tensor or per channel. */
    private String dequantize(String name, DataType type, long[] dims, int[] values, float[] scales, int axis) {
        long[] scaleDims = scales.length == 1 ? new long[0] : new long[] {scales.length};
        String scale = graph.floats(name + "/scale", scaleDims, scales);
        String zeroPoint = graph.integers(name + "/zero_point", type, scaleDims, new int[scales.length]);
        String quantized = graph.integers(name + "/quantized", type, dims, values);
        return graph.node(OnnxOp.DEQUANTIZE_LINEAR, List.of(quantized, scale, zeroPoint), name + "/dequantized",
                scales.length == 1 ? Map.of() : Map.of("axis", axis));
    }

    /** The name a consumer reads {@code x} by: x itself in a float graph, its fake-quantized copy otherwise. */
    private String input(Tensor x) {
        activations.add(x.name());
        if (plan == null) {
            return x.name();
        }
        return dequantized.computeIfAbsent(x.name(), name -> {
            LinearQuantizer q = plan.activation(name);
            String scale = graph.floats(name + "/scale", new long[0], new float[] {q.scale()});
            String zeroPoint = graph.integers(name + "/zero_point", DataType.UINT8, new long[0], new int[] {q.zeroPoint()});
            String quantized = graph.node(OnnxOp.QUANTIZE_LINEAR, List.of(name, scale, zeroPoint), name + "/quantized");
            return graph.node(OnnxOp.DEQUANTIZE_LINEAR, List.of(quantized, scale, zeroPoint), name + "/dequantized");
        });
    }

    @Override
    public Tensor relu(Tensor x) {
        return same(x, graph.node(OnnxOp.RELU, List.of(x.name()), x.name() + "/relu"));
    }

    @Override
    public Tensor relu6(Tensor x) {
        if (!relu6Bounds) {
            graph.floats("relu6/min", new long[0], new float[] {0});
            graph.floats("relu6/max", new long[0], new float[] {6});
            relu6Bounds = true;
        }
        return same(x, graph.node(OnnxOp.CLIP, List.of(x.name(), "relu6/min", "relu6/max"), x.name() + "/relu6"));
    }

    /**
     * The input is quantized, so the conv or Gemm before it ends in an integer kernel; ONNX Runtime has
     * no integer HardSigmoid, which then runs in float between DequantizeLinear and its consumer's
     * QuantizeLinear.
     */
    @Override
    public Tensor hardSigmoid(Tensor x) {
        return same(x, hardSigmoidOf(input(x), x.name() + "/hard_sigmoid"));
    }

    /** x * HardSigmoid(x) (opset 13 has no HardSwish), on the quantized input as {@link #hardSigmoid} does. */
    @Override
    public Tensor hardSwish(Tensor x) {
        String in = input(x);
        String gate = hardSigmoidOf(in, x.name() + "/hard_swish_gate");
        return same(x, graph.node(OnnxOp.MUL, List.of(in, gate), x.name() + "/hard_swish"));
    }

    private String hardSigmoidOf(String input, String output) {
        return graph.node(OnnxOp.HARD_SIGMOID, List.of(input), output, Map.of("alpha", 1f / 6, "beta", 0.5f));
    }

    /** Both factors quantized, so that ONNX Runtime can fuse the multiply into QLinearMul. */
    @Override
    public Tensor scaleChannels(Tensor x, Tensor scales) {
        if (!unsqueezeAxes) {
            graph.integers("unsqueeze/spatial_axes", DataType.INT64, new long[] {2}, new int[] {2, 3});
            unsqueezeAxes = true;
        }
        Tensor perChannel = new Tensor(graph.node(OnnxOp.UNSQUEEZE, List.of(scales.name(), "unsqueeze/spatial_axes"),
                scales.name() + "/nchw"), scales.channels(), 1, 1);
        return same(x, graph.node(OnnxOp.MUL, List.of(input(x), input(perChannel)), x.name() + "/scaled"));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return same(b, graph.node(ONNXOperators.ADD, List.of(input(a), input(b)), "residual_add_" + ++adds));
    }

    @Override
    public Tensor globalAveragePool(Tensor x) {
        String pooled = graph.node(OnnxOp.GLOBAL_AVERAGE_POOL, List.of(input(x)), x.name() + "/pool");
        return new Tensor(graph.node(OnnxOp.FLATTEN, List.of(pooled), pooled + "/flat", Map.of("axis", 1)), x.channels(), 1, 1);
    }

    @Override
    public int channels(Tensor x) {
        return x.channels();
    }

    private TensorValue weight(String name) {
        TensorValue v = weights.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no folded weights for " + name);
        }
        return v;
    }

    private static Tensor same(Tensor shape, String name) {
        return new Tensor(name, shape.channels(), shape.height(), shape.width());
    }

    /**
     * TensorFlow keeps conv kernels as [kh, kw, in, out] (depthwise [kh, kw, channels, 1], the same
     * flat order as [kh, kw, 1, channels]); ONNX wants [out, in, kh, kw].
     */
    static int[] onnxKernelOrder(int kernel, int in, int out) {
        int[] order = new int[kernel * kernel * in * out];
        int j = 0;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int h = 0; h < kernel; h++) {
                    for (int w = 0; w < kernel; w++) {
                        order[j++] = ((h * kernel + w) * in + i) * out + o;
                    }
                }
            }
        }
        return order;
    }

    private static float[] reorder(float[] values, int[] order) {
        float[] result = new float[order.length];
        for (int j = 0; j < order.length; j++) {
            result[j] = values[order[j]];
        }
        return result;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
