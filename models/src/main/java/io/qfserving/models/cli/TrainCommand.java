package io.qfserving.models.cli;

import io.qfserving.models.train.TrainConfig;
import io.qfserving.models.train.Trainer;
import io.qfserving.models.train.TrainingState;
import io.qfserving.runtime.arch.Architecture;
import io.qfserving.runtime.arch.ModelSpec;
import io.qfserving.runtime.arch.Variant;
import io.qfserving.runtime.data.ImageFolder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model on a folder-per-class dataset, checkpointing into --run.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--arch", required = true, description = "mobilenet-v1, mobilenet-v2 or mobilenet-v3-small")
    String architecture;

    @Option(names = "--variant", required = true, description = "baseline or qf")
    String variant;

    @Option(names = "--width", defaultValue = "0.5", description = "width multiplier (default: ${DEFAULT-VALUE})")
    double width;

    @Option(names = "--resolution", defaultValue = "128", description = "input size in pixels (default: ${DEFAULT-VALUE})")
    int resolution;

    @Option(names = "--train", required = true, description = "training folder, one subfolder per class")
    Path trainDir;

    @Option(names = "--val", required = true, description = "validation folder, same classes")
    Path valDir;

    @Option(names = "--run", required = true, description = "run folder for checkpoints and state")
    Path runDir;

    @Option(names = "--epochs", defaultValue = "20")
    int epochs;

    @Option(names = "--batch", defaultValue = "32")
    int batch;

    @Option(names = "--lr", defaultValue = "0.002", description = "peak Adam learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--warmup-epochs", defaultValue = "1")
    double warmupEpochs;

    @Option(names = "--weight-decay", defaultValue = "4e-5")
    double weightDecay;

    @Option(names = "--depthwise-l2", description = "L2 on depthwise weights (default: 1e-4 for qf, 0 for baseline)")
    Double depthwiseL2;

    @Option(names = "--label-smoothing", defaultValue = "0.1")
    double labelSmoothing;

    @Option(names = "--min-crop-area", defaultValue = "0.35",
            description = "smallest random crop, as a fraction of the image area (default: ${DEFAULT-VALUE})")
    double minCropArea;

    @Option(names = "--cache-size", defaultValue = "224", description = "decoded training image size (default: ${DEFAULT-VALUE})")
    int cacheSize;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "TensorFlow intra- and inter-op threads")
    int threads;

    @Option(names = "--resume", description = "continue from the run folder's last checkpoint")
    boolean resume;

    @Override
    public Integer call() {
        Variant v = Variant.fromId(variant);
        int classes = ImageFolder.scan(trainDir).classes().size();
        ModelSpec spec = new ModelSpec(Architecture.fromId(architecture), v, width, resolution, classes);
        TrainConfig config = new TrainConfig(spec, trainDir.toAbsolutePath().normalize(),
                valDir.toAbsolutePath().normalize(), runDir, epochs, batch, learningRate, warmupEpochs, weightDecay,
                depthwiseL2 != null ? depthwiseL2 : TrainConfig.defaultDepthwiseL2(v), labelSmoothing, minCropArea, cacheSize, seed,
                threads);
        TrainingState state = new Trainer(config, System.out).run(resume);
        System.out.printf("%s: best val top-1 %.2f%% at epoch %d, %.0f s of training%n",
                spec.name(), state.bestTop1(), state.bestEpoch(), state.trainSeconds());
        return 0;
    }
}
