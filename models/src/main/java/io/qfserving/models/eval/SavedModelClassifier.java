package io.qfserving.models.eval;

import io.qfserving.models.data.ImagePreprocessor;
import io.qfserving.models.tf.ClassifierGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** A classifier SavedModel loaded with TensorFlow Java, called through its serving signature. */
public final class SavedModelClassifier extends NativeClassifier {

    private final SavedModelBundle bundle;
    private final SessionFunction function;

    public SavedModelClassifier(Path savedModelDir, int height, int width) {
        super(height, width);
        this.bundle = SavedModelBundle.load(savedModelDir.toString(), SavedModelBundle.DEFAULT_TAG);
        this.function = bundle.function(ClassifierGraph.SIGNATURE_KEY);
    }

    @Override
    protected float[][] run(List<float[]> images) {
        try (TFloat32 input = ImagePreprocessor.batch(images, height(), width());
                Result result = function.call(Map.of(ClassifierGraph.INPUT, input))) {
            TFloat32 values = (TFloat32) result.get(ClassifierGraph.PROBS).orElseThrow();
            float[][] rows = new float[images.size()][Math.toIntExact(values.shape().get(1))];
            for (int i = 0; i < rows.length; i++) {
                values.get(i).copyTo(DataBuffers.of(rows[i], false, false));
            }
            return rows;
        }
    }

    @Override
    protected void release() {
        bundle.close();
    }
}
