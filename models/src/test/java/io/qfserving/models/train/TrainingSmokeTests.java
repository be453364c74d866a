package io.qfserving.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.TestData;
import io.qfserving.models.export.ModelExporter;
import io.qfserving.models.ptq.PostTrainingQuantization;
import io.qfserving.models.ptq.Scheme;
import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.manifest.ModelManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two training steps on generated images, a resume, an export and the papers' int8 quantization run
 * on ONNX Runtime: the whole pipeline, everywhere (no dataset needed).
 */
class TrainingSmokeTests {

    @Test
    void trainsResumesAndExportsAModelWithAMeasuredManifest(@TempDir Path dir) throws Exception {
        Path data = TestData.generatedDataset(dir.resolve("data"), 4, 1);
        ModelSpec spec = new ModelSpec(Architecture.MOBILENET_V2, Variant.QF, 0.35, 32, 2);
        Path run = dir.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        TrainingState first = new Trainer(config(spec, data, run, 1), new PrintStream(log, true, StandardCharsets.UTF_8)).run(false);
        assertThat(first.epochsDone()).isEqualTo(1);
        assertThat(first.step()).isEqualTo(2); // 8 images, batch 4
        assertThat(first.history().getFirst().loss()).isFinite().isPositive();
        assertThat(run.resolve("best").resolve("ckpt.index")).exists();
        float[] movingMean = Trainer.bestValues(config(spec, data, run, 1)).get("conv1/bn/moving_mean").data();
        assertThat(movingMean).as("BatchNorm moving statistics are updated by training steps")
                .hasSize(16).isNotEqualTo(new float[movingMean.length]);

        TrainingState resumed = new Trainer(config(spec, data, run, 2), new PrintStream(log, true, StandardCharsets.UTF_8)).run(true);
        assertThat(resumed.epochsDone()).isEqualTo(2);
        assertThat(resumed.step()).isEqualTo(4);
        assertThat(resumed.history()).hasSize(2);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("resumed after epoch 1");

        ModelManifest manifest = ModelExporter.export(run, dir.resolve("repository"), 3, null);
        Path version = dir.resolve("repository").resolve("qf-mobilenet-v2").resolve("3");
        assertThat(version.resolve("saved_model").resolve("saved_model.pb")).exists();
        assertThat(ModelManifest.read(version)).isEqualTo(manifest);
        assertThat(manifest.variant()).isEqualTo("qf");
        assertThat(manifest.labels()).extracting(ModelManifest.Label::synset).containsExactly("n00000001", "n00000002");
        assertThat(manifest.accuracy().images()).isEqualTo(8);
        assertThat(manifest.accuracy().top1()).isBetween(0.0, 100.0);
        assertThat(manifest.accuracy().top5()).isCloseTo(100.0, within(1e-9)); // two classes
        assertThat(manifest.macsPerImage()).isEqualTo(ModelExporter.cost(spec).macsPerImage()).isPositive();
        assertThat(manifest.fileSizeBytes()).isPositive();
        assertThat(manifest.training().bestEpoch()).isEqualTo(resumed.bestEpoch());
        assertThat(Files.size(run.resolve(Trainer.STATE_FILE))).isPositive();

        PostTrainingQuantization ptq = PostTrainingQuantization.calibrate(version, data, 2, 1, 1);
        ptq.writeFloatOnnx();
        ModelManifest int8 = ptq.writeInt8(dir.resolve("repository"), 3, Scheme.PAPERS, data);
        Path int8Dir = dir.resolve("repository").resolve("qf-mobilenet-v2-int8").resolve("3");
        assertThat(ModelManifest.read(int8Dir)).isEqualTo(int8);
        assertThat(int8.precision()).isEqualTo("int8");
        assertThat(int8.quantization().rangeMethod()).isEqualTo("greedy");
        assertThat(int8.quantization().calibrationImages()).isEqualTo(4); // 2 per class
        assertThat(int8.quantization().runtimeOperators()).containsKey("QLinearConv").doesNotContainKey("Conv");
        assertThat(int8.accuracy().images()).isEqualTo(8);
        assertThat(Files.size(int8Dir.resolve(PostTrainingQuantization.INT8_FILE))).isLessThan(Files.size(version.resolve("model.onnx")));
        try (Classifier engine = Engines.open(int8Dir, int8, int8.primaryArtifact(), 1)) {
            float[][] rows = engine.probabilities(List.of(new float[32 * 32 * 3], new float[32 * 32 * 3]));
            assertThat(rows).hasNumberOfRows(2);
            assertThat(rows[0][0] + rows[0][1]).isCloseTo(1f, within(1e-3f));
        }
    }

    /** Seeds fix initialization, order and augmentation; one thread also fixes TensorFlow's summation order. */
    @Test
    void theSameSeedOnOneThreadGivesTheSameRun(@TempDir Path dir) throws Exception {
        Path data = TestData.generatedDataset(dir.resolve("data"), 4, 2);
        ModelSpec spec = new ModelSpec(Architecture.MOBILENET_V1, Variant.BASELINE, 0.25, 32, 2);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        TrainingState a = new Trainer(config(spec, data, dir.resolve("a"), 1, 1), quiet).run(false);
        TrainingState b = new Trainer(config(spec, data, dir.resolve("b"), 1, 1), quiet).run(false);
        assertThat(b.history().getFirst().loss()).isEqualTo(a.history().getFirst().loss());
        assertThat(b.history().getFirst().valTop1()).isEqualTo(a.history().getFirst().valTop1());
    }

    private static TrainConfig config(ModelSpec spec, Path data, Path run, int epochs) {
        return config(spec, data, run, epochs, 2);
    }

    private static TrainConfig config(ModelSpec spec, Path data, Path run, int epochs, int threads) {
        return new TrainConfig(spec, data, data, run, epochs, 4, 1e-3, 0.5, 4e-5, 1e-4, 0.1, 0.35, 40, 42, threads);
    }
}
