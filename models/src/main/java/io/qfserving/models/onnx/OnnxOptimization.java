package io.qfserving.models.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** What ONNX Runtime makes of a model: the graph it executes once its optimizations have run. */
public final class OnnxOptimization {

    private OnnxOptimization() {}

    /**
     * The operator types, with counts, of the graph ONNX Runtime actually executes after its
     * optimizations: an int8 model must show QLinearConv and no float Conv.
     */
    public static Map<String, Integer> optimizedOperators(byte[] model) {
        try {
            Path optimized = Files.createTempFile("optimized", ".onnx");
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setOptimizedModelFilePath(optimized.toString());
                // ONNX Runtime warns that the saved graph is tuned to this CPU: that is the point here.
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                OrtEnvironment.getEnvironment().createSession(model, options).close();
                Map<String, Integer> counts = new TreeMap<>();
                for (OnnxMl.NodeProto node : OnnxMl.ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList()) {
                    counts.merge(node.getOpType(), 1, Integer::sum);
                }
                return counts;
            } finally {
                Files.deleteIfExists(optimized);
            }
        } catch (IOException | OrtException e) {
            throw new IllegalStateException("cannot optimize the model: " + e.getMessage(), e);
        }
    }
}
