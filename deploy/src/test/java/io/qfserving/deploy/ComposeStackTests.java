package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml, its Prometheus configuration, the Grafana dashboard it provisions and the
 * image settings it relies on.
 */
class ComposeStackTests {

    private static final String APT_HINT = "Debian: apt-get install -y docker-compose prometheus";
    /** The server's actuator (probes, health details, metrics) is on its management port, not on 8080. */
    private static final String MANAGEMENT_PORT = "8081";
    private static final String READINESS_URL = "http://127.0.0.1:" + MANAGEMENT_PORT + "/actuator/health/readiness";

    @Test
    void dockerComposeAcceptsTheStack() throws Exception {
        ExternalTool compose = ExternalTool.require("docker-compose", APT_HINT);
        ExternalTool.Result result = compose.run(ProjectFiles.ROOT, "-f", ProjectFiles.COMPOSE_FILE.toString(), "config", "-q");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void promtoolAcceptsThePrometheusConfiguration() throws Exception {
        ExternalTool promtool = ExternalTool.require("promtool", APT_HINT);
        ExternalTool.Result result = promtool.run(ProjectFiles.ROOT, "check", "config", ProjectFiles.PROMETHEUS_CONFIG.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void prometheusScrapesTheServersActuatorEndpointOnTheManagementPort() {
        Map<String, Object> services = get(yaml(ProjectFiles.COMPOSE_FILE), "services");
        Map<String, Object> job = first(get(yaml(ProjectFiles.PROMETHEUS_CONFIG), "scrape_configs"));
        assertThat(job).containsEntry("metrics_path", "/actuator/prometheus");
        List<String> targets = get(first(get(job, "static_configs")), "targets");
        assertThat(targets).singleElement().satisfies(target -> {
            String[] hostAndPort = target.split(":");
            assertThat(services).containsKey(hostAndPort[0]);
            assertThat(hostAndPort[1]).isEqualTo(MANAGEMENT_PORT);
        });
    }

    /** The compose healthcheck stands in for the image's HEALTHCHECK, which the OCI archive drops. */
    @Test
    void serverHealthcheckAsksTheManagementPortForReadinessAsTheImageDoes() {
        Map<String, Object> server = get(get(yaml(ProjectFiles.COMPOSE_FILE), "services"), "qf-serving");
        List<String> healthcheck = get(get(server, "healthcheck"), "test");
        assertThat(healthcheck).containsSubsequence("CMD", "curl").endsWith(READINESS_URL);
        assertThat(dockerfileInstructions("HEALTHCHECK")).singleElement().asString().contains(" " + READINESS_URL + " ");
    }

    /** The stack builds and runs the Dockerfile's image (build: .) with the defaults it sets. */
    @Test
    void theImageExposesTheManagementPortAndKeepsOpenApiOff() {
        assertThat(dockerfileInstructions("EXPOSE")).singleElement().asString()
                .matches("EXPOSE( \\d+)+").contains(" " + MANAGEMENT_PORT);
        assertThat(dockerfileInstructions("ENV")).singleElement().asString()
                .contains("SPRINGDOC_API_DOCS_ENABLED=false", "SPRINGDOC_SWAGGER_UI_ENABLED=false");
    }

    /** Health details are for the operator on the Docker host, not for the network. */
    @Test
    void publishesTheManagementPortOnLoopbackOnly() {
        Map<String, Object> server = get(get(yaml(ProjectFiles.COMPOSE_FILE), "services"), "qf-serving");
        List<String> ports = get(server, "ports");
        assertThat(ports).filteredOn(port -> port.endsWith(":" + MANAGEMENT_PORT))
                .containsExactly("127.0.0.1:" + MANAGEMENT_PORT + ":" + MANAGEMENT_PORT);
        assertThat(ports).contains("8080:8080", "9090:9090");
    }

    @Test
    void serverSharesExperimentStateThroughTheRedisService() {
        Map<String, Object> services = get(yaml(ProjectFiles.COMPOSE_FILE), "services");
        Map<String, Object> server = get(services, "qf-serving");
        URI redisUrl = URI.create(get(get(server, "environment"), "SPRING_DATA_REDIS_URL"));
        assertThat(redisUrl.getScheme()).isEqualTo("redis");
        assertThat(redisUrl.getPort()).isEqualTo(6379);
        Map<String, Object> redis = get(services, redisUrl.getHost());
        String image = get(redis, "image");
        assertThat(image).startsWith("redis:");
        List<String> healthcheck = get(get(redis, "healthcheck"), "test");
        assertThat(healthcheck).containsSubsequence("redis-cli", "ping");
        Map<String, Object> dependency = get(get(server, "depends_on"), redisUrl.getHost());
        assertThat(dependency).containsEntry("condition", "service_healthy");
    }

    @Test
    void grafanaProvisionsTheChartsDashboardFolder() {
        Map<String, Object> grafana = get(get(yaml(ProjectFiles.COMPOSE_FILE), "services"), "grafana");
        Path providerFile = ProjectFiles.ROOT.resolve("deploy/grafana/provisioning/dashboards/qf-serving.yml");
        String providerPath = get(get(first(get(yaml(providerFile), "providers")), "options"), "path");
        List<String> volumes = get(grafana, "volumes");
        assertThat(volumes)
                .contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro")
                .contains("./" + ProjectFiles.ROOT.relativize(ProjectFiles.DASHBOARD.getParent()) + ":" + providerPath + ":ro");
    }

    /**
     * The same dashboard is provisioned by compose and picked up by Grafana's sidecar in Kubernetes,
     * whose data sources have different uids: it must query through its datasource variable.
     */
    @Test
    void dashboardQueriesTheServersMetricsThroughItsDatasourceVariable() {
        JsonNode dashboard = JsonMapper.shared().readTree(ProjectFiles.read(ProjectFiles.DASHBOARD));
        assertThat(dashboard.path("uid").asString()).isEqualTo("qf-serving");
        assertThat(dashboard.path("templating").path("list")).anySatisfy(variable -> {
            assertThat(variable.path("name").asString()).isEqualTo("datasource");
            assertThat(variable.path("type").asString()).isEqualTo("datasource");
            assertThat(variable.path("query").asString()).isEqualTo("prometheus");
        });
        List<JsonNode> targets = dashboard.path("panels").valueStream()
                .flatMap(panel -> panel.path("targets").valueStream()).toList();
        assertThat(targets).isNotEmpty()
                .allSatisfy(target -> assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}"));
        assertThat(targets).extracting(target -> target.path("expr").asString())
                .anySatisfy(expr -> assertThat(expr).contains("qf_requests_total"))
                .anySatisfy(expr -> assertThat(expr).contains("qf_request_duration_seconds_bucket"));
    }

    /** The Dockerfile's instructions of that kind, each on one line (continuations joined). */
    private static List<String> dockerfileInstructions(String kind) {
        return ProjectFiles.read(ProjectFiles.DOCKERFILE).replace("\\\n", " ").lines()
                .filter(line -> line.startsWith(kind + " ")).map(line -> line.replaceAll("\\s+", " ").strip()).toList();
    }

    private static Map<String, Object> yaml(Path file) {
        return new Yaml().load(ProjectFiles.read(file));
    }

    /** The value under {@code key}, which must be there, as whatever type the caller expects. */
    @SuppressWarnings("unchecked")
    private static <T> T get(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (T) parent.get(key);
    }

    private static Map<String, Object> first(List<Map<String, Object>> items) {
        assertThat(items).isNotEmpty();
        return items.getFirst();
    }
}
