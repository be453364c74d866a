package io.qfserving.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the deployment files, from the project root that Maven passes in. */
final class ProjectFiles {

    static final Path ROOT = Path.of(System.getProperty("qf.project.dir", "..")).toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/qf-serving");
    static final Path DASHBOARD = CHART.resolve("dashboards/qf-serving.json");
    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");
    static final Path PROMETHEUS_CONFIG = ROOT.resolve("deploy/prometheus/prometheus.yml");

    private ProjectFiles() {}

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
