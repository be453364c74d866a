package io.qfserving.runtime.engine.tensorflow;

import io.qfserving.runtime.engine.ClassifierSignature;
import io.qfserving.runtime.engine.NativeClassifier;
import io.qfserving.runtime.engine.Scores;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/** A classifier SavedModel loaded with TensorFlow Java, called through its serving signature. */
public final class SavedModelClassifier extends NativeClassifier {

    private final SavedModelBundle bundle;
    private final SessionFunction function;

    /** Loads with TensorFlow's default thread pools. */
    public SavedModelClassifier(Path savedModelDir, int height, int width) {
        this(savedModelDir, height, width, 0);
    }

    /**
     * @param threads intra-op threads (inter-op gets one: the graph is a chain of ops); 0 lets
     *     TensorFlow choose, as it does for both pools
     */
    public SavedModelClassifier(Path savedModelDir, int height, int width, int threads) {
        super(height, width);
        ConfigProto.Builder config = ConfigProto.newBuilder();
        if (threads > 0) {
            config.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1);
        }
        this.bundle = SavedModelBundle.loader(savedModelDir.toString())
                .withTags(SavedModelBundle.DEFAULT_TAG)
                .withConfigProto(config.build())
                .load();
        this.function = bundle.function(ClassifierSignature.SIGNATURE_KEY);
    }

    @Override
    protected Scores run(List<float[]> images) {
        try (TFloat32 input = ImagePreprocessor.batch(images, height(), width());
                Result result = function.call(Map.of(ClassifierSignature.INPUT, input))) {
            return new Scores(rows(result, ClassifierSignature.LOGITS), rows(result, ClassifierSignature.PROBS));
        }
    }

    private static float[][] rows(Result result, String output) {
        TFloat32 values = (TFloat32) result.get(output).orElseThrow();
        float[][] rows = new float[Math.toIntExact(values.shape().get(0))][Math.toIntExact(values.shape().get(1))];
        for (int i = 0; i < rows.length; i++) {
            values.get(i).copyTo(DataBuffers.of(rows[i], false, false));
        }
        return rows;
    }

    @Override
    protected void release() {
        bundle.close();
    }
}
