package io.qfserving.deploy;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code helm lint --strict} with extra values. helm-java's lint reads only the chart's own
 * values.yaml, so the chart is copied and its values.yaml replaced by the defaults merged with the
 * extra values the way Helm merges them (maps deep, everything else replaced).
 */
final class ChartLint {

    private ChartLint() {}

    static LintResult strict(Path workDir, Path... valuesFiles) throws IOException {
        Path chart = workDir.resolve(ProjectFiles.CHART.getFileName());
        copyTree(ProjectFiles.CHART, chart);
        Yaml yaml = new Yaml();
        Map<String, Object> values = yaml.load(ProjectFiles.read(ProjectFiles.CHART.resolve("values.yaml")));
        for (Path file : valuesFiles) {
            values = merge(values, yaml.load(ProjectFiles.read(file)));
        }
        Files.writeString(chart.resolve("values.yaml"), yaml.dump(values));
        return new Helm(chart).lint().strict().call();
    }

    /** The lint messages that are not plain information (helm prints "[INFO] icon is recommended"). */
    static List<String> problems(LintResult result) {
        return result.getMessages().stream().filter(message -> !message.startsWith("[INFO]")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overrides.forEach((key, value) -> merged.merge(key, value, (left, right) -> left instanceof Map && right instanceof Map
                ? merge((Map<String, Object>) left, (Map<String, Object>) right)
                : right));
        return merged;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(source.relativize(file).toString()), REPLACE_EXISTING);
            }
        }
    }
}
