package io.qfserving.models.cli;

import io.qfserving.models.eval.DatasetEvaluator;
import io.qfserving.models.eval.Evaluation;
import io.qfserving.models.eval.EvaluationReport;
import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.manifest.ModelManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate an exported model on a labelled folder: top-1, top-5, per-class accuracy, confusion matrix and a PNG chart.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "a model version folder (with manifest.json)")
    Path versionDir;

    @Option(names = "--data", required = true, description = "labelled folder, one subfolder per class")
    Path dataDir;

    @Option(names = "--chart", description = "PNG to write (default: <model>-eval.png in the working folder)")
    Path chart;

    @Override
    public Integer call() throws Exception {
        ModelManifest manifest = ModelManifest.read(versionDir);
        Evaluation.Result result = DatasetEvaluator.evaluate(versionDir, manifest, ImageFolder.scan(dataDir));
        EvaluationReport.print(manifest.name(), result, System.out);
        if (manifest.accuracy() != null) {
            System.out.printf("%nmanifest top-1 %.2f%% on %s (%d images); measured now %.2f%% (difference %+.2f points)%n",
                    manifest.accuracy().top1(), manifest.accuracy().dataset(), manifest.accuracy().images(),
                    result.top1(), result.top1() - manifest.accuracy().top1());
        }
        Path png = chart != null ? chart : Path.of(manifest.name() + "-eval.png");
        EvaluationReport.chart(manifest.name(), result, png);
        System.out.println("chart: " + png.toAbsolutePath());
        return 0;
    }
}
