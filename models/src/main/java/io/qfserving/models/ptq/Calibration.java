package io.qfserving.models.ptq;

import io.qfserving.models.onnx.OnnxExport;
import io.qfserving.models.quant.Histogram;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the float model over calibration images and records, for every activation the int8 graph
 * quantizes, its min, max and histogram. The float ONNX graph with those activations tapped as
 * outputs is the same graph the int8 one is built from, so the names match by construction.
 */
public final class Calibration {

    private static final int BATCH = 10;

    private Calibration() {}

    public static Map<String, Histogram> record(ModelSpec spec, Map<String, TensorValue> weights, List<float[]> images, int threads) {
        OnnxExport.Built tapped = OnnxExport.calibrationModel(spec, weights);
        Set<String> activations = Set.copyOf(tapped.activations());
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        tapped.activations().forEach(name -> histograms.put(name, new Histogram()));
        try (OnnxClassifier model = new OnnxClassifier(tapped.bytes(), spec.resolution(), spec.resolution(), threads)) {
            for (int from = 0; from < images.size(); from += BATCH) {
                model.outputs(images.subList(from, Math.min(images.size(), from + BATCH)), activations)
                        .forEach((name, values) -> histograms.get(name).record(values));
            }
        }
        return histograms;
    }
}
