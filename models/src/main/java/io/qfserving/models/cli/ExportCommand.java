package io.qfserving.models.cli;

import io.qfserving.models.export.ModelExporter;
import io.qfserving.runtime.manifest.ModelManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a run's best checkpoint as a folded SavedModel with its manifest.")
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, description = "the run folder that train wrote")
    Path runDir;

    @Option(names = "--repository", defaultValue = "models/repository", description = "model repository (default: ${DEFAULT-VALUE})")
    Path repository;

    @Option(names = "--version", defaultValue = "1")
    int version;

    @Option(names = "--eval", description = "folder to measure accuracy on (default: the run's validation folder)")
    Path evalDir;

    @Override
    public Integer call() throws Exception {
        ModelManifest m = ModelExporter.export(runDir, repository, version, evalDir);
        System.out.printf("exported %s v%d: %,d params, %,d MACs, %.2f MB, top-1 %.2f%% top-5 %.2f%% on %s (%d images)%n",
                m.name(), version, m.parameters(), m.macsPerImage(), m.fileSizeBytes() / 1e6,
                m.accuracy().top1(), m.accuracy().top5(), m.accuracy().dataset(), m.accuracy().images());
        return 0;
    }
}
