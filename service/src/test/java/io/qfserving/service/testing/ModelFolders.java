package io.qfserving.service.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Copies of embedded model versions in temporary repositories, for tests that change the repository. */
public final class ModelFolders {

    private ModelFolders() {}

    /** A new temporary repository holding version 1 of the embedded {@code model}. */
    public static Path copyOf(String model) {
        try {
            Path repository = Files.createTempDirectory("qf-repository");
            copyVersion(model, repository.resolve(model).resolve("1"));
            return repository;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new temporary repository holding version 1 of every embedded model. */
    public static Path copyOfAll() {
        try (Stream<Path> models = Files.list(Path.of(EmbeddedModelsTest.REPOSITORY))) {
            Path repository = Files.createTempDirectory("qf-repository");
            for (Path model : models.filter(Files::isDirectory).toList()) {
                copyVersion(model.getFileName().toString(), repository.resolve(model.getFileName()).resolve("1"));
            }
            return repository;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies version 1 of the embedded {@code model} to {@code target}, file by file. */
    public static void copyVersion(String model, Path target) {
        Path source = Path.of(EmbeddedModelsTest.REPOSITORY, model, "1");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
