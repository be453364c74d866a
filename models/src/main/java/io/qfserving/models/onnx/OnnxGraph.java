package io.qfserving.models.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * Accumulates an ONNX graph: nodes built (and checked) by Tribuo's operator builder, initializers
 * as ONNX {@code TensorProto}s, and typed inputs and outputs. A dimension of -1 is the batch, "N".
 */
final class OnnxGraph {

    private final ONNXContext context = new ONNXContext();
    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();

    String node(ONNXOperator op, List<String> inputs, String output) {
        return node(op, inputs, output, Map.of());
    }

    String node(ONNXOperator op, List<String> inputs, String output, Map<String, Object> attributes) {
        graph.addNode(op.build(context, inputs.toArray(String[]::new), new String[] {output}, attributes));
        return output;
    }

    String floats(String name, long[] dims, float[] values) {
        ByteBuffer raw = littleEndian(values.length * Float.BYTES);
        raw.asFloatBuffer().put(values);
        return initializer(name, DataType.FLOAT, dims, raw);
    }

    /** int8 and uint8 (a byte each), int32 or int64 initializers. */
    String integers(String name, DataType type, long[] dims, int[] values) {
        ByteBuffer raw;
        if (type == DataType.INT64) {
            raw = littleEndian(values.length * Long.BYTES);
            for (int v : values) {
                raw.putLong(v);
            }
            raw.flip();
        } else if (type == DataType.INT32) {
            raw = littleEndian(values.length * Integer.BYTES);
            raw.asIntBuffer().put(values);
        } else if (type == DataType.INT8 || type == DataType.UINT8) {
            raw = littleEndian(values.length);
            for (int v : values) {
                raw.put((byte) v);
            }
            raw.flip();
        } else {
            throw new IllegalArgumentException("not an integer type we store: " + type);
        }
        return initializer(name, type, dims, raw);
    }

    /** Values go in raw_data, little-endian, as ONNX requires: compact, and int8 stays one byte. */
    private String initializer(String name, DataType type, long[] dims, ByteBuffer raw) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    void input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
    }

    /** A float output; with no dims its shape is left to the runtime (calibration taps). */
    void output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long[] dims) {
        OnnxMl.TypeProto.Tensor.Builder tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT.getNumber());
        if (dims.length > 0) {
            OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
            for (long d : dims) {
                shape.addDim(d < 0
                        ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                        : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            tensor.setShape(shape);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    OnnxMl.ModelProto model(String name) {
        graph.setName(name);
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("qf-serving")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxOp.OPSET))
                .setGraph(graph)
                .build();
    }
}
