package io.qfserving.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.qfserving.service.metrics.GrafanaDashboard.Choice;
import io.qfserving.service.metrics.GrafanaDashboard.Selection;
import io.qfserving.service.testing.PrometheusServer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboard the Helm chart and docker-compose ship: its structure, and every panel
 * query run against a real Prometheus scraping {@link ServingExposition}, so that the PromQL is
 * valid and names metrics and labels the server exports.
 */
class DashboardTests {

    private static final GrafanaDashboard DASHBOARD = GrafanaDashboard.shipped();
    private static final String DATASOURCE = "${datasource}";
    private static final int GRID_COLUMNS = 24;
    private static final Pattern RANGE_SELECTOR = Pattern.compile("\\[([^\\]]*)]");

    @Test
    void isAnImportableDashboardWithAPrometheusDatasourceVariable() {
        JsonNode json = DASHBOARD.json();
        assertThat(json.path("uid").asString()).isEqualTo("qf-serving");
        assertThat(json.path("title").asString()).isEqualTo("qf-serving");
        assertThat(json.path("schemaVersion").isInt()).as("schemaVersion is a number").isTrue();
        assertThat(json.path("time").path("from").asString()).isNotBlank();
        assertThat(json.path("time").path("to").asString()).isNotBlank();
        assertThat(json.path("refresh").asString()).isNotBlank();
        assertThat(DASHBOARD.variables()).filteredOn(v -> v.path("name").asString().equals("datasource"))
                .singleElement().satisfies(datasource -> {
                    assertThat(datasource.path("type").asString()).isEqualTo("datasource");
                    assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
                });
    }

    @Test
    void everyPanelQueriesPrometheusThroughTheDatasourceVariable() {
        assertThat(DASHBOARD.panels()).isNotEmpty();
        for (JsonNode panel : DASHBOARD.panels()) {
            String title = panel.path("title").asString();
            assertThat(title).as("a panel's title").isNotBlank();
            assertThat(datasourceUid(panel)).as("datasource of %s", title).isEqualTo(DATASOURCE);
            assertThat(panel.path("targets").size()).as("queries of %s", title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asString()).as("a query of %s", title).isNotBlank();
                assertThat(datasourceUid(target)).as("datasource of a query of %s", title).isEqualTo(DATASOURCE);
                assertThat(refIds.add(target.path("refId").asString())).as("unique refId in %s", title).isTrue();
            }
        }
        for (JsonNode variable : DASHBOARD.queryVariables()) {
            assertThat(datasourceUid(variable)).as("datasource of $%s", variable.path("name").asString())
                    .isEqualTo(DATASOURCE);
        }
    }

    private static String datasourceUid(JsonNode node) {
        return node.path("datasource").path("uid").asString();
    }

    @Test
    void panelsHaveUniqueIdsAndTileTheGridWithoutOverlapping() {
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> placed = new ArrayList<>();
        for (JsonNode panel : DASHBOARD.panels()) {
            String title = panel.path("title").asString();
            assertThat(ids.add(panel.path("id").asInt())).as("unique id of %s", title).isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("w").asInt()).as("width of %s", title).isBetween(1, GRID_COLUMNS);
            assertThat(grid.path("h").asInt()).as("height of %s", title).isPositive();
            assertThat(grid.path("x").asInt()).as("x of %s", title).isBetween(0, GRID_COLUMNS - grid.path("w").asInt());
            assertThat(grid.path("y").asInt()).as("y of %s", title).isNotNegative();
            for (JsonNode other : placed) {
                assertThat(overlap(grid, other.path("gridPos")))
                        .as("%s overlaps %s", title, other.path("title").asString()).isFalse();
            }
            placed.add(panel);
        }
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }

    @Test
    void queriesUseOnlyDefinedVariablesAndGrafanasRangesNotFixedOnes() {
        Set<String> known = new HashSet<>(GrafanaDashboard.BUILT_IN.keySet());
        for (JsonNode variable : DASHBOARD.variables()) {
            // A variable may use those defined before it: Grafana resolves them in order.
            assertThat(GrafanaDashboard.referencedVariables(variable.path("query").asString()))
                    .as("variables in $%s", variable.path("name").asString()).isSubsetOf(known);
            known.add(variable.path("name").asString());
        }
        for (GrafanaDashboard.Query query : DASHBOARD.queries()) {
            assertThat(GrafanaDashboard.referencedVariables(query.expr())).as("variables in %s", query).isSubsetOf(known);
            Matcher range = RANGE_SELECTOR.matcher(query.expr());
            while (range.find()) {
                assertThat(range.group(1)).as("range in %s", query).isIn("$__rate_interval", "$__range");
            }
        }
    }

    /**
     * The dashboard's queries against Prometheus scraping a replica's worth of every metric. The
     * first test to need Prometheus starts it, so that where it is not installed each test is
     * reported skipped with the reason (Surefire drops an abort in {@code @BeforeAll} silently).
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AgainstPrometheus {

        private final ScrapedExposition scraped = new ScrapedExposition();
        private final Map<Choice, Selection> selections = new EnumMap<>(Choice.class);

        private Selection selection(Choice choice) {
            return selections.computeIfAbsent(choice, c -> DASHBOARD.select(scraped.prometheus(), c));
        }

        @AfterAll
        void stop() {
            scraped.close();
        }

        @Test
        void templateVariablesResolveToTheServedLabelValues() {
            Map<String, List<String>> values = selection(Choice.ALL).values();
            assertThat(values).containsOnlyKeys("job", "model", "experiment");
            assertThat(values.get("job")).containsExactly(PrometheusServer.JOB);
            assertThat(values.get("model")).containsExactlyInAnyOrderElementsOf(
                    ServingExposition.MODELS.stream().map(ServingExposition.Model::name).toList());
            assertThat(values.get("experiment")).containsExactly(ServingExposition.EXPERIMENT);
        }

        /** Every query with the variables on "All", and on their first values: data, and no NaN from a 0/0. */
        @TestFactory
        Stream<DynamicTest> everyPanelQueryReturnsData() {
            return Stream.of(Choice.values()).flatMap(choice -> DASHBOARD.queries().stream()
                    .map(query -> DynamicTest.dynamicTest(query.panel() + " " + query.refId() + " (" + choice + ")", () -> {
                        String expr = GrafanaDashboard.substitute(query.expr(), selection(choice).chosen());
                        List<PrometheusServer.Sample> result = scraped.prometheus().query(expr);
                        assertThat(result).as(expr).isNotEmpty();
                        assertThat(result).as(expr).noneMatch(sample -> Double.isNaN(sample.value()));
                    })));
        }
    }
}
