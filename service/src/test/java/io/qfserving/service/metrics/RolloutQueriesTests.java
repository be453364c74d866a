package io.qfserving.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.qfserving.service.metrics.ServingExposition.Decision;
import io.qfserving.service.testing.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart's Argo Rollouts AnalysisTemplate and Flagger MetricTemplate, their PromQL run
 * against a real Prometheus scraping {@link ServingExposition}: for the decided pair Argo's
 * successCondition holds and its failureCondition does not, for the undecided one neither does
 * (Argo polls again), and Flagger's query passes, respectively halts, the Canary's
 * {@code thresholdRange: {min: 1}} that values.yaml prescribes.
 *
 * <p>Helm is not on this module's classpath (HelmChartTests, in the deploy module, renders the
 * chart with helm-java and checks that both templates render exactly the query of the named
 * template {@value #QUERY_TEMPLATE}). So this reads the chart's files: that named template's body,
 * whose plain {@code {{ .field }}} placeholders it fills in as Helm would (anything else there fails
 * the test rather than being guessed at), the literal condition lines of the Argo template, and the
 * default pair from values.yaml.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutQueriesTests {

    private static final Path CHART = Path.of("../helm/qf-serving");
    private static final String QUERY_TEMPLATE = "qf-serving.replaceDecisionQuery";
    private static final Pattern DEFINE = Pattern.compile(
            "\\{\\{- define \"" + Pattern.quote(QUERY_TEMPLATE) + "\" -}}\\n(.*?)\\n\\{\\{- end }}", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{ \\.(\\w+) }}");
    /** The form of Argo's conditions that this test evaluates: {@code result[0] <op> <number>}. */
    private static final Pattern CONDITION = Pattern.compile("result\\[0] (==|!=|>=|<=|>|<) (-?[0-9]+(?:\\.[0-9]+)?)");
    /** The Canary's {@code thresholdRange.min} for the Flagger template, as values.yaml and docs/operations.md give it. */
    private static final double FLAGGER_THRESHOLD_MIN = 1;

    private final ScrapedExposition scraped = new ScrapedExposition();

    @AfterAll
    void stop() {
        scraped.close();
    }

    @Test
    void theChartsDefaultPairIsTheDecidedOne() {
        assertThat(rolloutValues()).containsEntry("experiment", ServingExposition.EXPERIMENT)
                .containsEntry("candidate", ServingExposition.REPLACE.candidate())
                .containsEntry("control", ServingExposition.REPLACE.control());
    }

    @Test
    void argoConditionsReadReplaceAsSuccessKeepAsFailureAndContinueAsNeither() {
        assertThat(holds(argoCondition("successCondition"), List.of(1.0))).isTrue();
        assertThat(holds(argoCondition("failureCondition"), List.of(1.0))).isFalse();
        assertThat(holds(argoCondition("successCondition"), List.of(0.0))).isFalse();
        assertThat(holds(argoCondition("failureCondition"), List.of(0.0))).isFalse();
        assertThat(holds(argoCondition("successCondition"), List.of(-1.0))).isFalse();
        assertThat(holds(argoCondition("failureCondition"), List.of(-1.0))).isTrue();
    }

    @Test
    void argoSucceedsOnTheDecidedPair() {
        List<Double> result = argoResult(ServingExposition.REPLACE);
        assertThat(result).containsExactly(1.0);
        assertThat(holds(argoCondition("successCondition"), result)).as("successCondition on %s", result).isTrue();
        assertThat(holds(argoCondition("failureCondition"), result)).as("failureCondition on %s", result).isFalse();
    }

    @Test
    void argoPollsAgainOnTheUndecidedPair() {
        List<Double> result = argoResult(ServingExposition.CONTINUE);
        assertThat(result).containsExactly(0.0);
        assertThat(holds(argoCondition("successCondition"), result)).as("successCondition on %s", result).isFalse();
        assertThat(holds(argoCondition("failureCondition"), result)).as("failureCondition on %s", result).isFalse();
    }

    @Test
    void flaggerAdvancesOnTheDecidedPairAndHaltsOnTheUndecidedOne() {
        Map<String, Object> rollouts = rolloutValues();
        double decided = flaggerValue(query(rollouts));
        assertThat(decided).as("the default pair, %s against %s", rollouts.get("candidate"), rollouts.get("control"))
                .isEqualTo(1).isGreaterThanOrEqualTo(FLAGGER_THRESHOLD_MIN);
        Decision pending = ServingExposition.CONTINUE;
        double undecided = flaggerValue(query(Map.of("experiment", ServingExposition.EXPERIMENT,
                "candidate", pending.candidate(), "control", pending.control())));
        assertThat(undecided).as("%s against %s", pending.candidate(), pending.control())
                .isEqualTo(0).isLessThan(FLAGGER_THRESHOLD_MIN);
    }

    /**
     * Argo's {@code result} for the pair, a vector of values: the query with the pair where the
     * chart puts the analysis args (HelmChartTests checks those placeholders), which Argo replaces
     * by the args a rollout passes.
     */
    private List<Double> argoResult(Decision pair) {
        String query = query(Map.of("experiment", ServingExposition.EXPERIMENT, "candidate", pair.candidate(),
                "control", pair.control()));
        return prometheus().query(query).stream().map(PrometheusServer.Sample::value).toList();
    }

    /** Flagger's value: it requires a single sample and rejects NaN as "no values". */
    private double flaggerValue(String query) {
        List<PrometheusServer.Sample> samples = prometheus().query(query);
        assertThat(samples).as(query).singleElement().satisfies(sample -> assertThat(sample.value()).isNotNaN());
        return samples.getFirst().value();
    }

    private PrometheusServer prometheus() {
        return scraped.prometheus();
    }

    /** The chart's query with {@code fields} for its placeholders, as {@code include} renders it. */
    private static String query(Map<String, ?> fields) {
        Matcher define = DEFINE.matcher(read(CHART.resolve("templates/_helpers.tpl")));
        assertThat(define.find()).as("define \"%s\" in _helpers.tpl", QUERY_TEMPLATE).isTrue();
        String query = PLACEHOLDER.matcher(define.group(1)).replaceAll(placeholder -> {
            Object value = fields.get(placeholder.group(1));
            assertThat(value).as("value for {{ .%s }}", placeholder.group(1)).isNotNull();
            return Matcher.quoteReplacement(value.toString());
        });
        assertThat(query).as("%s filled in: only {{ .field }} placeholders are understood here", QUERY_TEMPLATE)
                .doesNotContain("{{");
        return query;
    }

    /** A condition line of the Argo template, literal there (no templating). */
    private static String argoCondition(String name) {
        Matcher line = Pattern.compile("^\\s*" + name + ": (.+)$", Pattern.MULTILINE)
                .matcher(read(CHART.resolve("templates/analysistemplate.yaml")));
        assertThat(line.find()).as("%s in analysistemplate.yaml", name).isTrue();
        return line.group(1).strip();
    }

    /** Argo's verdict on {@code condition} for a Prometheus vector {@code result}. */
    private static boolean holds(String condition, List<Double> result) {
        Matcher parsed = CONDITION.matcher(condition);
        assertThat(parsed.matches()).as("%s has the form result[0] <op> <number>", condition).isTrue();
        assertThat(result).as("result of %s", condition).isNotEmpty();
        double value = result.getFirst();
        double bound = Double.parseDouble(parsed.group(2));
        return switch (parsed.group(1)) {
            case "==" -> value == bound;
            case "!=" -> value != bound;
            case ">=" -> value >= bound;
            case "<=" -> value <= bound;
            case ">" -> value > bound;
            default -> value < bound;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rolloutValues() {
        Map<String, Object> values = new Yaml().load(read(CHART.resolve("values.yaml")));
        return (Map<String, Object>) values.get("rollouts");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
