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
public final class SavedModelClassifier implements Classifier {

    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final int height;
    private final int width;

    public SavedModelClassifier(Path savedModelDir, int height, int width) {
        this.bundle = SavedModelBundle.load(savedModelDir.toString(), SavedModelBundle.DEFAULT_TAG);
        this.function = bundle.function(ClassifierGraph.SIGNATURE_KEY);
        this.height = height;
        this.width = width;
    }

    @Override
    public float[][] probabilities(List<float[]> images) {
        try (TFloat32 input = ImagePreprocessor.batch(images, height, width);
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
    public void close() {
        bundle.close();
    }
}
