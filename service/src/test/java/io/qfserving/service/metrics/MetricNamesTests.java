package io.qfserving.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link MetricNames} is the one list of the server's meters: every series that the shipped dashboard,
 * the chart's rollout queries and the docs name is one of them. (There are no alert rules to read:
 * the chart ships none.) {@code RegisteredMetersTests} holds the running server to the same list.
 */
class MetricNamesTests {

    /** The chart (its dashboard and the rollout queries of its templates) and the operator docs, seen from the service module. */
    private static final List<Path> SHIPPED = List.of(Path.of("../helm"), Path.of("../docs"), Path.of("../README.md"));
    private static final Pattern SERIES = Pattern.compile("\\bqf_[a-z0-9_]+");
    /** A meter's base unit, which Prometheus appends to its name (a timer's seconds, a gauge's bytes). */
    private static final List<String> UNITS = List.of("", "_seconds", "_bytes");
    /** A counter's total, a histogram's series and a timer's or summary's maximum. */
    private static final List<String> SERIES_SUFFIXES = List.of("", "_total", "_bucket", "_count", "_sum", "_max");

    /** The values of the constants of {@link MetricNames}. */
    static Set<String> all() {
        return Arrays.stream(MetricNames.class.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(MetricNamesTests::value).collect(Collectors.toSet());
    }

    private static String value(Field constant) {
        try {
            return (String) constant.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether Prometheus shows the meter {@code name} (dotted) as {@code series}, or among its series. */
    static boolean exposes(String name, String series) {
        String prometheusName = name.replace('.', '_');
        return UNITS.stream().anyMatch(unit -> SERIES_SUFFIXES.stream().anyMatch(suffix -> series.equals(prometheusName + unit + suffix)));
    }

    @Test
    void namesAreDistinctDottedAndPrefixedQf() {
        List<String> names = Arrays.stream(MetricNames.class.getFields()).map(MetricNamesTests::value).toList();
        assertThat(names).isNotEmpty().doesNotHaveDuplicates().allMatch(name -> name.matches("qf(\\.[a-z0-9]+)+"));
    }

    @Test
    void aSeriesMapsBackToItsMeterOnlyThroughThePrometheusSuffixes() {
        assertThat(exposes(MetricNames.REQUESTS, "qf_requests_total")).isTrue();
        assertThat(exposes(MetricNames.REQUEST_DURATION, "qf_request_duration_seconds_bucket")).isTrue();
        assertThat(exposes(MetricNames.ADMISSION_RECEIVING, "qf_admission_receiving_bytes")).isTrue();
        assertThat(exposes(MetricNames.EXPERIMENT_DECISION, "qf_experiment_decision")).isTrue();
        assertThat(exposes(MetricNames.REQUESTS, "qf_request_total")).isFalse();
        assertThat(exposes(MetricNames.REQUESTS, "qf_requests_failed_total")).isFalse();
        assertThat(exposes(MetricNames.FEEDBACK, "qf_shadow_dropped_total")).isFalse();
    }

    @Test
    void everySeriesTheChartAndTheDocsNameIsAMeterOfMetricNames() {
        Set<String> names = all();
        Map<String, Set<String>> named = seriesNamedIn(SHIPPED);
        Map<String, Set<String>> unknown = new TreeMap<>();
        named.forEach((file, series) -> {
            Set<String> unexposed = series.stream().filter(s -> names.stream().noneMatch(name -> exposes(name, s)))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!unexposed.isEmpty()) {
                unknown.put(file, unexposed);
            }
        });
        assertThat(named).as("files naming series").containsKey(GrafanaDashboard.SHIPPED.toString());
        assertThat(unknown).as("series no meter of MetricNames exposes, by file").isEmpty();
    }

    /** The qf_ series each text file under {@code roots} names, by file. */
    private static Map<String, Set<String>> seriesNamedIn(List<Path> roots) {
        Map<String, Set<String>> named = new TreeMap<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Set<String> series = SERIES.matcher(Files.readString(file)).results().map(MatchResult::group)
                            .collect(Collectors.toSet());
                    if (!series.isEmpty()) {
                        named.put(file.toString(), series);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return named;
    }
}
