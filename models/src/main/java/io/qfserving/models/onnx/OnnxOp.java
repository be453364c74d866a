package io.qfserving.models.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The opset-13 operators our graphs need that Tribuo's {@code ONNXOperators} lacks; Tribuo's builder
 * validates inputs and attributes against these declarations. Add, Gemm, Softmax and Identity come
 * from Tribuo itself.
 */
enum OnnxOp implements ONNXOperator {
    TRANSPOSE("Transpose", 1, 0, Map.of("perm", AttributeType.INTS)),
    CONV("Conv", 2, 1, Map.of("kernel_shape", AttributeType.INTS, "strides", AttributeType.INTS,
            "pads", AttributeType.INTS, "group", AttributeType.INT)),
    RELU("Relu", 1, 0, Map.of()),
    CLIP("Clip", 1, 2, Map.of()),
    HARD_SIGMOID("HardSigmoid", 1, 0, Map.of("alpha", AttributeType.FLOAT, "beta", AttributeType.FLOAT)),
    MUL("Mul", 2, 0, Map.of()),
    UNSQUEEZE("Unsqueeze", 2, 0, Map.of()),
    GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0, Map.of()),
    FLATTEN("Flatten", 1, 0, Map.of("axis", AttributeType.INT)),
    QUANTIZE_LINEAR("QuantizeLinear", 2, 1, Map.of("axis", AttributeType.INT)),
    DEQUANTIZE_LINEAR("DequantizeLinear", 2, 1, Map.of("axis", AttributeType.INT));

    static final int OPSET = 13;

    private final String opName;
    private final int inputs;
    private final int optionalInputs;
    private final Map<String, ONNXAttribute> attributes = new LinkedHashMap<>();

    OnnxOp(String opName, int inputs, int optionalInputs, Map<String, AttributeType> attributeTypes) {
        this.opName = opName;
        this.inputs = inputs;
        this.optionalInputs = optionalInputs;
        attributeTypes.forEach((name, type) -> attributes.put(name, new ONNXAttribute(name, type, false)));
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Set.of();
    }

    @Override
    public int getOpVersion() {
        return OPSET;
    }

    @Override
    public String getOpDomain() {
        return "";
    }
}
