package io.qfserving.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.export.SavedModelExport;
import io.qfserving.models.ptq.Calibration;
import io.qfserving.models.quant.Histogram;
import io.qfserving.models.quant.QuantizationPlan;
import io.qfserving.models.quant.RangeMethod;
import io.qfserving.models.tf.FoldedWeights;
import io.qfserving.models.tf.RandomModels;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import io.qfserving.runtime.engine.onnx.OnnxClassifier;
import io.qfserving.runtime.engine.tensorflow.SavedModelClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ONNX graphs compute what the TensorFlow ones do, and the int8 ones run on integer kernels. */
class OnnxExportTests {

    private static final int RESOLUTION = 64;

    static List<ModelSpec> specs() {
        return RandomModels.specs(RESOLUTION);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void floatOnnxMatchesTheSavedModel(ModelSpec spec, @TempDir Path dir) throws Exception {
        Map<String, TensorValue> trained = RandomModels.trainedValues(spec, 5);
        List<float[]> images = RandomModels.images(6, RESOLUTION, new Random(3));
        float[][] tensorflow;
        try (SavedModelClassifier saved = new SavedModelClassifier(SavedModelExport.export(spec, trained, dir), RESOLUTION, RESOLUTION)) {
            tensorflow = saved.probabilities(images);
        }
        byte[] onnx = OnnxExport.floatModel(spec, FoldedWeights.fold(trained)).bytes();
        try (OnnxClassifier runtime = new OnnxClassifier(onnx, RESOLUTION, RESOLUTION, 1)) {
            float[][] probabilities = runtime.probabilities(images);
            for (int i = 0; i < images.size(); i++) {
                assertThat(probabilities[i]).containsExactly(tensorflow[i], within(1e-4f));
            }
        }
        assertThat(tensorflow[0]).isNotEqualTo(tensorflow[1]);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void int8GraphRunsEveryConvolutionOnIntegerKernels(ModelSpec spec) {
        Map<String, TensorValue> weights = FoldedWeights.fold(RandomModels.trainedValues(spec, 5));
        List<float[]> images = RandomModels.images(12, RESOLUTION, new Random(4));
        Map<String, Histogram> histograms = Calibration.record(spec, weights, images, 1);
        OnnxExport.Built floatModel = OnnxExport.floatModel(spec, weights);
        assertThat(histograms.keySet()).containsExactlyElementsOf(floatModel.activations());

        for (boolean perChannel : new boolean[] {false, true}) {
            QuantizationPlan plan = QuantizationPlan.fromHistograms(histograms, RangeMethod.GREEDY, perChannel);
            byte[] int8 = OnnxExport.int8Model(spec, weights, plan).bytes();
            long convolutions = floatModel.model().getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("Conv")).count();
            Map<String, Integer> executed = OnnxOptimization.optimizedOperators(int8);
            assertThat(executed).as("per-channel " + perChannel).doesNotContainKey("Conv");
            assertThat(executed.get("QLinearConv")).as(executed.toString()).isEqualTo((int) convolutions);
            try (OnnxClassifier runtime = new OnnxClassifier(int8, RESOLUTION, RESOLUTION, 1)) {
                for (float[] row : runtime.probabilities(images)) {
                    assertThat(row).hasSize(10);
                    assertThat(sum(row)).isCloseTo(1.0, within(1e-3));
                }
            }
        }
    }

    @Test
    void mobileNetV3RunsItsSqueezeAndExcitationOnIntegerKernelsAndItsHardActivationsInFloat() {
        ModelSpec spec = new ModelSpec(Architecture.MOBILENET_V3_SMALL, Variant.QF, 0.5, RESOLUTION, 10);
        Map<String, TensorValue> weights = FoldedWeights.fold(RandomModels.trainedValues(spec, 5));
        Map<String, Histogram> histograms = Calibration.record(spec, weights, RandomModels.images(12, RESOLUTION, new Random(4)), 1);
        QuantizationPlan plan = QuantizationPlan.fromHistograms(histograms, RangeMethod.GREEDY, false);

        Map<String, Integer> executed = OnnxOptimization.optimizedOperators(OnnxExport.int8Model(spec, weights, plan).bytes());

        OnnxExport.Built floatModel = OnnxExport.floatModel(spec, weights);
        assertThat(executed).as(executed.toString()).doesNotContainKeys("Conv", "Gemm")
                .containsEntry("QLinearConv", count(floatModel, "Conv")).containsEntry("QGemm", count(floatModel, "Gemm"))
                // one squeeze-and-excitation multiply per Unsqueeze of its gate
                .containsEntry("QLinearMul", count(floatModel, "Unsqueeze"))
                .containsEntry("HardSigmoid", count(floatModel, "HardSigmoid"));
    }

    private static int count(OnnxExport.Built model, String opType) {
        return (int) model.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
