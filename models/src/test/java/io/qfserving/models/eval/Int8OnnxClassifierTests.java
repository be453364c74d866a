package io.qfserving.models.eval;

import io.qfserving.models.onnx.OnnxExport;
import io.qfserving.models.ptq.Calibration;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.quant.RangeMethod;
import io.qfserving.models.tf.FoldedWeights;
import io.qfserving.models.tf.RandomModels;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** The engine contract on an int8 graph (QLinearConv kernels), quantized as the toolkit quantizes. */
class Int8OnnxClassifierTests extends ClassifierContract {

    private static final byte[] INT8 = int8Model();

    private static byte[] int8Model() {
        Map<String, TensorValue> weights = FoldedWeights.fold(TRAINED);
        var histograms = Calibration.record(SPEC, weights, RandomModels.images(8, SPEC.resolution(), new Random(3)), 1);
        return OnnxExport.int8Model(SPEC, weights, QuantizationPlan.fromHistograms(histograms, RangeMethod.GREEDY, false)).bytes();
    }

    @Override
    Classifier open(Path dir) {
        return new OnnxClassifier(INT8, SPEC.resolution(), SPEC.resolution(), 1);
    }
}
