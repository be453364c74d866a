package io.qfserving.runtime.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qfserving.runtime.engine.ClassifierSignature;
import io.qfserving.runtime.engine.NativeClassifier;
import io.qfserving.runtime.engine.Scores;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An ONNX classifier (float or int8) run by ONNX Runtime on the CPU, all graph optimizations on. */
public final class OnnxClassifier extends NativeClassifier {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    /** @param threads intra-op threads; 0 lets ONNX Runtime choose */
    public OnnxClassifier(byte[] model, int height, int width, int threads) {
        super(height, width);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            this.session = environment.createSession(model, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    @Override
    protected Scores run(List<float[]> images) {
        Map<String, float[]> flat = outputs(images, Set.of(ClassifierSignature.LOGITS, ClassifierSignature.PROBS));
        return new Scores(rows(flat.get(ClassifierSignature.LOGITS), images.size()),
                rows(flat.get(ClassifierSignature.PROBS), images.size()));
    }

    private static float[][] rows(float[] flat, int count) {
        int classes = flat.length / count;
        float[][] rows = new float[count][classes];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * classes, rows[i], 0, classes);
        }
        return rows;
    }

    /** Runs a batch of preprocessed NHWC images and returns the named outputs, flattened (calibration taps). */
    public Map<String, float[]> outputs(List<float[]> images, Set<String> names) {
        // Direct and in native order, ONNX Runtime reads it where it is; a heap buffer would be copied
        // into a new direct one on every call.
        FloatBuffer batch = ByteBuffer.allocateDirect(images.size() * height() * width() * 3 * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        images.forEach(batch::put);
        batch.flip();
        try (OnnxTensor input = OnnxTensor.createTensor(environment, batch, new long[] {images.size(), height(), width(), 3});
                OrtSession.Result result = session.run(Map.of(ClassifierSignature.INPUT, input), names)) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (String name : names) {
                FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
                float[] array = new float[buffer.remaining()];
                buffer.get(array);
                values.put(name, array);
            }
            return values;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    protected void release() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
