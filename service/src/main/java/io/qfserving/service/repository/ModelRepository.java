package io.qfserving.service.repository;

import io.qfserving.models.eval.Classifier;
import io.qfserving.models.eval.Engines;
import io.qfserving.models.export.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The models this server holds: for each model folder in the repository, its newest version that
 * loads and answers a warm-up inference (older versions are tried when a newer one is broken). A version that fails to load is logged, recorded with its
 * error and skipped; it never stops the others from serving.
 */
@Component
public class ModelRepository implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    ModelRepository(RepositoryProperties properties) {
        Path root = properties.directory();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("model repository not found: " + root + " (set qf.repository.path)");
        }
        for (Path modelDir : list(root)) {
            String name = modelDir.getFileName().toString();
            for (Path versionDir : versionsNewestFirst(modelDir)) {
                if (load(name, versionDir)) {
                    break;
                }
            }
        }
        log.info("model repository {}: {} loaded, {} failed", root, models.size(), failures.size());
    }

    private boolean load(String name, Path versionDir) {
        String version = versionDir.getFileName().toString();
        try {
            ModelManifest manifest = ModelManifest.read(versionDir);
            ModelManifest.Preprocessing p = manifest.preprocessing();
            Classifier classifier = Engines.open(versionDir, manifest, manifest.primaryArtifact(), 0);
            long start = System.nanoTime();
            classifier.probabilities(List.of(new float[p.height() * p.width() * 3]));
            double warmupMillis = (System.nanoTime() - start) / 1e6;
            models.put(name, new LoadedModel(version, versionDir, manifest, classifier, warmupMillis));
            log.info("loaded {} v{} ({}, {}) in warm-up {} ms", name, version, manifest.variant(), manifest.precision(),
                    Math.round(warmupMillis));
            return true;
        } catch (RuntimeException e) {
            failures.put(name + "/" + version, e.getMessage());
            log.error("skipping {} v{}: {}", name, version, e.toString());
            return false;
        }
    }

    /** Loaded models by name, in repository order. */
    Map<String, LoadedModel> models() {
        return Map.copyOf(models);
    }

    /** Versions that failed to load, by {@code name/version}, with the reason. */
    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    @Override
    public void destroy() {
        models.values().forEach(LoadedModel::close);
    }

    /** Numeric version folders, newest first (Triton's and TF Serving's layout). */
    private static List<Path> versionsNewestFirst(Path modelDir) {
        return list(modelDir).stream()
                .filter(p -> p.getFileName().toString().matches("\\d+"))
                .sorted(Comparator.comparingLong((Path p) -> Long.parseLong(p.getFileName().toString())).reversed())
                .toList();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return new ArrayList<>(entries.filter(Files::isDirectory).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
