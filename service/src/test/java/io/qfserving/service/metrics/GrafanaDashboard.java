package io.qfserving.service.metrics;

import io.qfserving.service.testing.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard the Helm chart and docker-compose ship, read the way Grafana uses it: its
 * panels' queries, and its template variables resolved against a Prometheus and substituted.
 */
final class GrafanaDashboard {

    /** Seen from the service module's folder, where tests run. */
    static final Path SHIPPED = Path.of("../helm/qf-serving/dashboards/qf-serving.json");

    /** What Grafana substitutes for its own variables; one minute holds many 1 s scrapes. */
    static final Map<String, String> BUILT_IN = Map.of("__rate_interval", "1m", "__range", "1m");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

    /** One query of one panel. */
    record Query(String panel, String refId, String expr) {}

    /** How the query variables are set: Grafana's "All" (their allValue), or each on its first value. */
    enum Choice {
        ALL(values -> ".*"), FIRST_VALUES(List::getFirst);

        private final Function<List<String>, String> pick;

        Choice(Function<List<String>, String> pick) {
            this.pick = pick;
        }
    }

    /** Each query variable's values, and the value to substitute for every variable (Grafana's own included). */
    record Selection(Map<String, List<String>> values, Map<String, String> chosen) {}

    private final JsonNode json;

    private GrafanaDashboard(JsonNode json) {
        this.json = json;
    }

    static GrafanaDashboard shipped() {
        try {
            return new GrafanaDashboard(JsonMapper.shared().readTree(Files.readString(SHIPPED)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode json() {
        return json;
    }

    List<JsonNode> panels() {
        return json.path("panels").valueStream().toList();
    }

    List<Query> queries() {
        return panels().stream().flatMap(panel -> panel.path("targets").valueStream().map(target -> new Query(
                panel.path("title").asString(), target.path("refId").asString(), target.path("expr").asString())))
                .toList();
    }

    /** All template variables, in the order Grafana resolves them. */
    List<JsonNode> variables() {
        return json.path("templating").path("list").valueStream().toList();
    }

    List<JsonNode> queryVariables() {
        return variables().stream().filter(v -> "query".equals(v.path("type").asString())).toList();
    }

    /**
     * Resolves the query variables in order, as Grafana does: each {@code label_values(selector,
     * label)} against {@code prometheus}, with the values chosen for the variables before it
     * substituted; {@code choice} picks each variable's value from its values.
     *
     * @throws IllegalStateException when a variable is not a label_values query or has no values
     */
    Selection select(PrometheusServer prometheus, Choice choice) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Map<String, String> chosen = new LinkedHashMap<>(BUILT_IN);
        for (JsonNode variable : queryVariables()) {
            String name = variable.path("name").asString();
            Matcher definition = LABEL_VALUES.matcher(variable.path("query").asString());
            if (!definition.matches()) {
                throw new IllegalStateException("$" + name + " is not a label_values(selector, label) query");
            }
            String label = definition.group(2);
            String selector = substitute(definition.group(1), chosen);
            List<String> labelValues = prometheus.query("count by (" + label + ") (" + selector + ")").stream()
                    .map(sample -> sample.labels().getOrDefault(label, ""))
                    .filter(value -> !value.isEmpty()).sorted().toList();
            if (labelValues.isEmpty()) {
                throw new IllegalStateException("$" + name + " has no values: no " + label + " on " + selector);
            }
            values.put(name, labelValues);
            chosen.put(name, choice.pick.apply(labelValues));
        }
        return new Selection(values, chosen);
    }

    /** The names of the variables {@code text} refers to, as {@code $name} or {@code ${name[:format]}}. */
    static Set<String> referencedVariables(String text) {
        Set<String> names = new HashSet<>();
        Matcher variable = VARIABLE.matcher(text);
        while (variable.find()) {
            names.add(name(variable));
        }
        return names;
    }

    /**
     * {@code text} as Grafana sends it, with {@code values} for the variables it refers to.
     *
     * @throws IllegalArgumentException when it refers to a variable {@code values} lacks
     */
    static String substitute(String text, Map<String, String> values) {
        return VARIABLE.matcher(text).replaceAll(variable -> {
            String value = values.get(name(variable));
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + name(variable) + " in " + text);
            }
            return Matcher.quoteReplacement(value);
        });
    }

    private static String name(MatchResult variable) {
        return variable.group(1) != null ? variable.group(1) : variable.group(2);
    }
}
