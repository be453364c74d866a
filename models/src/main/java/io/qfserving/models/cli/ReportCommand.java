package io.qfserving.models.cli;

import io.qfserving.models.ptq.ReproductionReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Measure float vs int8 (three schemes) accuracy, size and latency of the float models; write REPORT.md and a chart.")
final class ReportCommand implements Callable<Integer> {

    private static final String DEFAULT_REPOSITORY = "models/repository";
    private static final String DEFAULT_MODELS =
            "mobilenet-v1,qf-mobilenet-v1,mobilenet-v2,qf-mobilenet-v2,mobilenet-v3-small,qf-mobilenet-v3-small";
    private static final String DEFAULT_OUT = "models/REPORT.md";

    @Option(names = "--repository", defaultValue = DEFAULT_REPOSITORY, description = "(default: ${DEFAULT-VALUE})")
    Path repository;

    @Option(names = "--models", split = ",",
            defaultValue = DEFAULT_MODELS,
            description = "float models to report, in table order (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--train", required = true, description = "training folder (calibration images)")
    Path trainDir;

    @Option(names = "--val", required = true, description = "validation folder")
    Path valDir;

    @Option(names = "--per-class", defaultValue = "10", description = "calibration images per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--seed", defaultValue = "1", description = "the first calibration draw's seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--draws", defaultValue = "4",
            description = "calibration draws per model (seeds seed, seed+1, ...); int8 accuracies are their mean (default: ${DEFAULT-VALUE})")
    int draws;

    @Option(names = "--threads", defaultValue = "2",
            description = "intra-op threads for both engines, so their latencies compare (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--out", defaultValue = DEFAULT_OUT, description = "(default: ${DEFAULT-VALUE}; the chart goes beside it)")
    Path out;

    @Override
    public Integer call() throws Exception {
        ReproductionReport report = ReproductionReport.measure(repository, models, trainDir, valDir, perClass, seed, draws, threads,
                System.out);
        String elsewhere = repository.equals(Path.of(DEFAULT_REPOSITORY)) ? "" : " --repository " + repository;
        String others = models.equals(List.of(DEFAULT_MODELS.split(","))) ? "" : " --models " + String.join(",", models);
        String target = out.equals(Path.of(DEFAULT_OUT)) ? "" : " --out " + out;
        report.write(out,
                String.format("models/bin/models report%s%s --train %s --val %s --per-class %d --seed %d --draws %d --threads %d%s",
                        elsewhere, others, trainDir, valDir, perClass, seed, draws, threads, target));
        System.out.println("wrote " + out);
        return 0;
    }
}
