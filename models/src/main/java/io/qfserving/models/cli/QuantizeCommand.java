package io.qfserving.models.cli;

import io.qfserving.models.ptq.PostTrainingQuantization;
import io.qfserving.models.ptq.Scheme;
import io.qfserving.models.quant.RangeMethod;
import io.qfserving.runtime.manifest.ModelManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Calibrate a float model version and write its int8 ONNX version (and its float ONNX).")
final class QuantizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "the float version folder, e.g. models/repository/qf-mobilenet-v2/1")
    Path floatDir;

    @Option(names = "--calibration", required = true, description = "training folder to draw calibration images from")
    Path calibrationDir;

    @Option(names = "--per-class", defaultValue = "10", description = "calibration images per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--range", defaultValue = "GREEDY",
            description = "activation ranges: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    RangeMethod rangeMethod;

    @Option(names = "--per-channel", description = "one weight scale per output channel (default: per tensor, as the papers)")
    boolean perChannel;

    @Option(names = "--repository", defaultValue = "models/repository",
            description = "where <name>-int8/<version> goes (default: ${DEFAULT-VALUE})")
    Path repository;

    @Option(names = "--version", defaultValue = "1")
    int version;

    @Option(names = "--eval", required = true, description = "folder to measure the int8 accuracy on")
    Path evalDir;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0: its default)")
    int threads;

    @Override
    public Integer call() throws Exception {
        PostTrainingQuantization ptq = PostTrainingQuantization.calibrate(floatDir, calibrationDir, perClass, seed, threads);
        System.out.println("float ONNX: " + ptq.writeFloatOnnx());
        ModelManifest m = ptq.writeInt8(repository, version, new Scheme(rangeMethod, perChannel), evalDir);
        System.out.printf("int8 %s v%d (%s): %.2f MB, top-1 %.2f%% top-5 %.2f%% on %s (%d images); float top-1 %.2f%%; runtime ops %s%n",
                m.name(), version, new Scheme(rangeMethod, perChannel), m.fileSizeBytes() / 1e6, m.accuracy().top1(),
                m.accuracy().top5(), m.accuracy().dataset(), m.accuracy().images(), ptq.manifest().accuracy().top1(),
                m.quantization().runtimeOperators());
        return 0;
    }
}
