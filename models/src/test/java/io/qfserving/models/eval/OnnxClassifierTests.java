package io.qfserving.models.eval;

import io.qfserving.models.onnx.OnnxExport;
import io.qfserving.models.tf.FoldedWeights;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import java.nio.file.Path;

class OnnxClassifierTests extends ClassifierContract {

    @Override
    Classifier open(Path dir) {
        byte[] model = OnnxExport.floatModel(SPEC, FoldedWeights.fold(TRAINED)).bytes();
        return new OnnxClassifier(model, SPEC.resolution(), SPEC.resolution(), 1);
    }
}
