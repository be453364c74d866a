package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.LintResult;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HelmChartTests {

    private static final Path ALL_OPTIONS = Path.of("src/test/resources/values-all-options.yaml");
    private static final Path EXISTING_RESOURCES = Path.of("src/test/resources/values-existing-resources.yaml");
    /** Argo Rollouts fills in the analysis args; Flagger gets the values themselves. */
    private static final String ARGO_DECISION_QUERY = "min by (experiment, candidate, control) (qf_experiment_decision"
            + "{experiment=\"{{args.experiment}}\", candidate=\"{{args.candidate}}\", control=\"{{args.control}}\"})";

    @Test
    void lintsStrictlyWithDefaultValues(@TempDir Path work) throws IOException {
        assertLintsCleanly(ChartLint.strict(work));
    }

    @Test
    void lintsStrictlyWithEveryOptionOn(@TempDir Path work) throws IOException {
        assertLintsCleanly(ChartLint.strict(work, ALL_OPTIONS));
    }

    @Test
    void lintsStrictlyWithExistingClaimAndSecret(@TempDir Path work) throws IOException {
        assertLintsCleanly(ChartLint.strict(work, EXISTING_RESOURCES));
    }

    @Test
    void strictParsingRejectsAMisspelledField() {
        String misspelled = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: qf
                spec:
                  replica: 2
                """;
        assertThatThrownBy(() -> RenderedChart.parseStrictly(misspelled)).hasMessageContaining("replica");
    }

    @Test
    void strictParsingRejectsAMisspelledFieldOfARolloutTemplate() {
        String misspelled = """
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata:
                  name: qf
                spec:
                  metrics:
                    - name: replace-decision
                      successCondtion: result[0] == 1
                """;
        assertThatThrownBy(() -> RenderedChart.parseStrictly(misspelled)).hasMessageContaining("successCondtion");
    }

    @Test
    void schemaRejectsValuesOfTheWrongShape(@TempDir Path work) throws IOException {
        Path wrong = Files.writeString(work.resolve("wrong.yaml"), """
                service:
                  httpPort: eighty
                models:
                  mountPath: relative/path
                """);
        assertThatThrownBy(() -> RenderedChart.render(wrong))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("httpPort")
                .hasMessageContaining("mountPath");
    }

    @Test
    void schemaRejectsARedisUrlWithoutItsScheme(@TempDir Path work) throws IOException {
        Path hostOnly = Files.writeString(work.resolve("host-only.yaml"), """
                redis:
                  url: redis.example.com:6379
                """);
        assertThatThrownBy(() -> RenderedChart.render(hostOnly))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/redis/url");
    }

    @Test
    void schemaRejectsAPrometheusAddressWithoutItsScheme(@TempDir Path work) throws IOException {
        Path hostOnly = Files.writeString(work.resolve("host-only.yaml"), """
                rollouts:
                  prometheus:
                    address: prometheus.monitoring.svc:9090
                """);
        assertThatThrownBy(() -> RenderedChart.render(hostOnly))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/rollouts/prometheus/address");
    }

    @Test
    void rolloutTemplatesSwitchedOnDecideTheDefaultPair(@TempDir Path work) throws IOException {
        Path both = Files.writeString(work.resolve("rollouts.yaml"), """
                rollouts:
                  argo:
                    enabled: true
                  flagger:
                    enabled: true
                """);
        RenderedChart chart = RenderedChart.render(both);

        AnalysisTemplate analysis = chart.one(AnalysisTemplate.class);
        assertThat(analysis.spec.args).extracting(arg -> arg.name, arg -> arg.value).containsExactly(
                tuple("experiment", "mobilenet-v2-ab"), tuple("candidate", "qf-int8"), tuple("control", "qf-float"));
        AnalysisTemplate.Metric metric = analysis.spec.metrics.getFirst();
        assertThat(metric.interval).isEqualTo("5m");
        assertThat(metric.count).isEqualTo(24);
        assertThat(metric.failureLimit).isZero();
        assertThat(metric.consecutiveSuccessLimit).isEqualTo(1);
        assertThat(metric.inconclusiveLimit).as("continue polls on until count").isEqualTo(24);
        assertThat(metric.provider.prometheus.address).isEqualTo("http://prometheus-operated.monitoring.svc:9090");
        assertThat(metric.provider.prometheus.query).isEqualTo(ARGO_DECISION_QUERY);

        MetricTemplate flagger = chart.one(MetricTemplate.class);
        assertThat(flagger.spec.provider.address).isEqualTo("http://prometheus-operated.monitoring.svc:9090");
        assertThat(flagger.spec.query).isEqualTo("min by (experiment, candidate, control) (qf_experiment_decision"
                + "{experiment=\"mobilenet-v2-ab\", candidate=\"qf-int8\", control=\"qf-float\"})");
    }

    /** A NodePort or LoadBalancer Service publishes every port it has outside the cluster. */
    @Test
    void keepsTheManagementPortOnAClusterIpServiceWhenTheServiceIsPublished(@TempDir Path work) throws IOException {
        Path loadBalancer = Files.writeString(work.resolve("load-balancer.yaml"), """
                service:
                  type: LoadBalancer
                serviceMonitor:
                  enabled: true
                """);
        RenderedChart chart = RenderedChart.render(loadBalancer);

        V1Service published = service(chart, "qf-qf-serving");
        assertThat(published.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(published.getSpec().getPorts()).extracting(V1ServicePort::getName).containsExactlyInAnyOrder("http", "grpc");
        V1Service management = service(chart, "qf-qf-serving-management");
        assertThat(management.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(management.getSpec().getPorts())
                .extracting(V1ServicePort::getName, V1ServicePort::getPort, port -> port.getTargetPort().getStrValue())
                .containsExactly(tuple("management", 8081, "management"));
        assertThat(management.getSpec().getSelector()).isEqualTo(published.getSpec().getSelector());
        ServiceMonitor monitor = chart.one(ServiceMonitor.class);
        assertThat(monitor.spec.selector.getMatchLabels()).isEqualTo(management.getSpec().getSelector());
        assertThat(monitor.spec.endpoints).singleElement().satisfies(endpoint -> assertThat(endpoint.port).isEqualTo("management"));
    }

    @Test
    void refusesSeveralReplicasWithoutRedis(@TempDir Path work) throws IOException {
        Path replicas = Files.writeString(work.resolve("replicas.yaml"), """
                replicaCount: 2
                """);
        assertRefusedForWantOfRedis(replicas);
    }

    @Test
    void refusesAutoscalingWithoutRedis(@TempDir Path work) throws IOException {
        Path autoscaling = Files.writeString(work.resolve("autoscaling.yaml"), """
                autoscaling:
                  enabled: true
                """);
        assertRefusedForWantOfRedis(autoscaling);
    }

    @Test
    void runsSeveralReplicasOnRedisWithKeysPrefixedByTheReleasesFullName(@TempDir Path work) throws IOException {
        Path replicas = Files.writeString(work.resolve("replicas.yaml"), """
                replicaCount: 3
                redis:
                  url: redis://redis:6379
                """);
        RenderedChart chart = RenderedChart.render(replicas);
        assertThat(chart.one(V1Deployment.class).getSpec().getReplicas()).isEqualTo(3);
        assertThat(chart.env("SPRING_DATA_REDIS_URL")).contains("redis://redis:6379");
        assertThat(chart.env("QF_STATE_KEY_PREFIX")).contains(chart.one(V1Deployment.class).getMetadata().getName());
    }

    /** The JVM counts the cores the pod requests, rounded up, however the request is written. */
    @ParameterizedTest(name = "cpu: {0} -> {1} processors")
    @CsvSource(delimiter = '|', value = {
            "100m     | 1",
            "'\"1\"'  | 1",
            "1        | 1",
            "0.5      | 1",
            "1500m    | 2",
            "1.5      | 2",
            "'\"2\"'  | 2",
            "'\"2.25\"' | 3",
            "4000m    | 4",
            "4001m    | 5",
    })
    void givesTheJvmThePodsCpuRequestRoundedUp(String cpu, int processors, @TempDir Path work) throws IOException {
        assertThat(RenderedChart.render(cpuRequest(work, cpu)).env("JAVA_TOOL_OPTIONS")).hasValueSatisfying(
                options -> assertThat(options.split(" ")).contains("-XX:ActiveProcessorCount=" + processors));
    }

    @ParameterizedTest(name = "cpu: {0}")
    @ValueSource(strings = {"2k", "1Gi", "0", "-1", "0.0"})
    void schemaRejectsACpuRequestThatIsNotAPositiveNumberOfCoresOrMillicores(String cpu, @TempDir Path work) throws IOException {
        assertThatThrownBy(() -> RenderedChart.render(cpuRequest(work, cpu)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/resources/requests/cpu");
    }

    private static Path cpuRequest(Path work, String cpu) throws IOException {
        return Files.writeString(work.resolve("cpu.yaml"), """
                resources:
                  requests:
                    cpu: %s
                """.formatted(cpu));
    }

    @Nested
    class WithDefaultValues {

        private final RenderedChart chart = RenderedChart.render();

        @Test
        void rendersOnlyTheAlwaysOnResources() {
            assertThat(chart.documents()).extracting(document -> document.getClass().getSimpleName())
                    .containsExactlyInAnyOrder("V1ServiceAccount", "V1ConfigMap", "V1ConfigMap", "V1Service",
                            "V1Deployment", "V1PodDisruptionBudget");
        }

        @Test
        void rendersNeitherRolloutTemplate() {
            assertThat(chart.all(AnalysisTemplate.class)).isEmpty();
            assertThat(chart.all(MetricTemplate.class)).isEmpty();
        }

        @Test
        void probesUseTheActuatorHealthGroupsOnTheManagementPort() {
            V1Container container = chart.container();
            assertManagementProbe(container.getStartupProbe(), "/actuator/health/liveness");
            assertManagementProbe(container.getLivenessProbe(), "/actuator/health/liveness");
            assertManagementProbe(container.getReadinessProbe(), "/actuator/health/readiness");
            assertThat(chart.env("MANAGEMENT_SERVER_PORT")).as("the port the server puts the actuator on")
                    .contains(String.valueOf(containerPort(chart, "management")));
            assertThat(container.getStartupProbe().getPeriodSeconds() * container.getStartupProbe().getFailureThreshold())
                    .as("seconds the startup probe allows for loading and warming the models")
                    .isGreaterThanOrEqualTo(120);
        }

        @Test
        void stopsAfterAPreStopSleepAndTheServersOwnDrainWithinTheGracePeriod() {
            V1Container container = chart.container();
            assertThat(container.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "5");
            assertThat(chart.env("QF_SHUTDOWN_DRAIN")).contains("5s");
            assertThat(podSpec(chart).getTerminationGracePeriodSeconds())
                    .as("preStop, drain, the 1 s of refusals (qf.shutdown.refusal) and 30 s of graceful shutdown")
                    .isGreaterThanOrEqualTo(5 + 5 + 1 + 30);
        }

        @Test
        void runsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities() {
            V1PodSpec pod = podSpec(chart);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();

            var security = chart.container().getSecurityContext();
            assertThat(security.getReadOnlyRootFilesystem()).isTrue();
            assertThat(security.getAllowPrivilegeEscalation()).isFalse();
            assertThat(security.getRunAsNonRoot()).isTrue();
            assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();

            assertThat(mountPath(chart, "tmp")).isEqualTo("/tmp");
            assertThat(volume(pod, "tmp").getEmptyDir()).isNotNull();
        }

        @Test
        void exposesHttpGrpcAndManagementOnContainerAndService() {
            assertThat(chart.container().getPorts()).extracting(V1ContainerPort::getName, V1ContainerPort::getContainerPort)
                    .containsExactlyInAnyOrder(tuple("http", 8080), tuple("grpc", 9090), tuple("management", 8081));
            V1Service service = chart.one(V1Service.class);
            assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
            assertThat(service.getSpec().getPorts())
                    .extracting(V1ServicePort::getName, V1ServicePort::getPort, port -> port.getTargetPort().getStrValue())
                    .containsExactlyInAnyOrder(tuple("http", 8080, "http"), tuple("grpc", 9090, "grpc"),
                            tuple("management", 8081, "management"));
            assertThat(service.getSpec().getSelector())
                    .isEqualTo(chart.one(V1Deployment.class).getSpec().getSelector().getMatchLabels());
        }

        /** Without a CPU limit the JVM would count the node's cores, and size decoders and admission by them. */
        @Test
        void givesTheJvmTheCoresThePodRequests() {
            assertThat(chart.env("JAVA_TOOL_OPTIONS")).contains("-XX:ActiveProcessorCount=1");
        }

        @Test
        void keepsOpenApiAndSwaggerUiOff() {
            assertThat(chart.env("SPRINGDOC_API_DOCS_ENABLED")).contains("false");
            assertThat(chart.env("SPRINGDOC_SWAGGER_UI_ENABLED")).contains("false");
        }

        @Test
        void mountsTheSettingsWhereTheServerLooksForThem() {
            assertThat(mountPath(chart, "config")).isEqualTo("/config");
            assertThat(chart.env("SPRING_CONFIG_ADDITIONAL_LOCATION")).contains("optional:file:/config/");
            assertThat(configMap(chart, "qf-qf-serving-config").getData()).containsKey("application.yml");
        }

        @Test
        void servesTheImageEmbeddedModelsAndNoAdminToken() {
            assertThat(chart.env("QF_REPOSITORY_PATH")).isEmpty();
            assertThat(chart.env("QF_ADMIN_TOKEN_FILE")).isEmpty();
            assertThat(podSpec(chart).getVolumes()).extracting(V1Volume::getName).containsExactlyInAnyOrder("tmp", "config");
        }

        @Test
        void runsOneReplicaWithExperimentStateInMemory() {
            assertThat(chart.one(V1Deployment.class).getSpec().getReplicas()).isEqualTo(1);
            assertThat(chart.envVar("SPRING_DATA_REDIS_URL")).isEmpty();
            assertThat(chart.envVar("QF_STATE_KEY_PREFIX")).isEmpty();
        }

        @Test
        void shipsTheGrafanaDashboardWithTheSidecarLabel() throws IOException {
            V1ConfigMap dashboard = configMap(chart, "qf-qf-serving-dashboard");
            assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(dashboard.getData().get("qf-serving.json"))
                    .isEqualTo(Files.readString(ProjectFiles.DASHBOARD, StandardCharsets.UTF_8).strip());
        }
    }

    @Nested
    class WithEveryOptionOn {

        private final RenderedChart chart = RenderedChart.render(ALL_OPTIONS);

        @Test
        void routesTheIngressToTheHttpPortOnly() {
            V1Ingress ingress = chart.one(V1Ingress.class);
            var rule = ingress.getSpec().getRules().getFirst();
            assertThat(rule.getHost()).isEqualTo("classify.example.com");
            assertThat(ingress.getSpec().getRules()).flatExtracting(r -> r.getHttp().getPaths())
                    .extracting(path -> path.getBackend().getService().getPort().getName())
                    .containsOnly("http");
            assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
            assertThat(ingress.getSpec().getTls().getFirst().getSecretName()).isEqualTo("classify-tls");
        }

        @Test
        void autoscalesTheDeploymentInsteadOfFixingItsReplicas() {
            V2HorizontalPodAutoscaler hpa = chart.one(V2HorizontalPodAutoscaler.class);
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("qf-qf-serving");
            assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
            assertThat(hpa.getSpec().getMetrics().getFirst().getResource().getTarget().getAverageUtilization()).isEqualTo(60);
            assertThat(chart.one(V1Deployment.class).getSpec().getReplicas()).isNull();
        }

        @Test
        void limitsVoluntaryDisruptions() {
            V1PodDisruptionBudget pdb = chart.one(V1PodDisruptionBudget.class);
            assertThat(pdb.getSpec().getMaxUnavailable().getIntValue()).isEqualTo(1);
            assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(chart.one(V1Deployment.class).getSpec().getSelector().getMatchLabels());
        }

        @Test
        void letsPrometheusOperatorScrapeTheActuatorEndpointOnTheManagementPort() {
            ServiceMonitor monitor = chart.one(ServiceMonitor.class);
            assertThat(monitor.metadata.getLabels()).containsEntry("release", "kube-prometheus-stack");
            V1Service service = chart.one(V1Service.class);
            assertThat(monitor.spec.selector.getMatchLabels()).isEqualTo(service.getSpec().getSelector());
            assertThat(service.getSpec().getPorts()).extracting(V1ServicePort::getName).contains("management");
            assertThat(monitor.spec.endpoints).singleElement().satisfies(endpoint -> {
                assertThat(endpoint.port).isEqualTo("management");
                assertThat(endpoint.path).isEqualTo("/actuator/prometheus");
                assertThat(endpoint.interval).isEqualTo("15s");
            });
        }

        @Test
        void gatesAnArgoRolloutOnTheReplaceDecision() {
            AnalysisTemplate analysis = chart.one(AnalysisTemplate.class);
            assertThat(analysis.metadata.getName()).isEqualTo("qf-qf-serving-replace-decision");
            assertThat(analysis.spec.args).extracting(arg -> arg.name, arg -> arg.value).containsExactly(
                    tuple("experiment", "mobilenet-v2-ab"), tuple("candidate", "qf-int8"), tuple("control", "baseline-float"));
            assertThat(analysis.spec.metrics).singleElement().satisfies(metric -> {
                assertThat(metric.name).isEqualTo("replace-decision");
                assertThat(metric.successCondition).isEqualTo("result[0] == 1");
                assertThat(metric.failureCondition).isEqualTo("result[0] == -1");
                assertThat(metric.interval).isEqualTo("10m");
                assertThat(metric.count).isEqualTo(12);
                assertThat(metric.failureLimit).isEqualTo(1);
                assertThat(metric.consecutiveSuccessLimit).isEqualTo(2);
                assertThat(metric.inconclusiveLimit).isEqualTo(12);
                assertThat(metric.provider.prometheus.address)
                        .isEqualTo("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
                assertThat(metric.provider.prometheus.query).isEqualTo(ARGO_DECISION_QUERY);
            });
        }

        @Test
        void givesFlaggerTheReplaceDecisionOfTheConfiguredPair() {
            MetricTemplate flagger = chart.one(MetricTemplate.class);
            assertThat(flagger.metadata.getName()).isEqualTo("qf-qf-serving-replace-decision");
            assertThat(flagger.spec.provider.type).isEqualTo("prometheus");
            assertThat(flagger.spec.provider.address).isEqualTo("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
            assertThat(flagger.spec.query).isEqualTo("min by (experiment, candidate, control) (qf_experiment_decision"
                    + "{experiment=\"mobilenet-v2-ab\", candidate=\"qf-int8\", control=\"baseline-float\"})");
        }

        @Test
        void servesModelsFromAReadOnlyClaimAtTheRepositoryPath() {
            V1PersistentVolumeClaim claim = chart.one(V1PersistentVolumeClaim.class);
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo("efs");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadOnlyMany");
            assertThat(claim.getSpec().getResources().getRequests().get("storage").toSuffixedString()).isEqualTo("2Gi");

            V1Volume models = volume(podSpec(chart), "models");
            assertThat(models.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName());
            assertThat(mountPath(chart, "models")).isEqualTo("/models/repository");
            assertThat(mount(chart, "models").getReadOnly()).isTrue();
            assertThat(chart.env("QF_REPOSITORY_PATH")).contains("/models/repository");
        }

        @Test
        void mountsTheAdminTokenFromTheChartsSecret() {
            V1Secret secret = chart.one(V1Secret.class);
            assertThat(secret.getData().get("token")).asString(StandardCharsets.UTF_8).isEqualTo("s3cr3t-token");
            assertThat(volume(podSpec(chart), "admin-token").getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
            assertThat(chart.env("QF_ADMIN_TOKEN_FILE"))
                    .contains(mountPath(chart, "admin-token") + "/admin-token");
        }

        @Test
        void sharesExperimentStateThroughRedisUnderTheGivenKeyPrefix() {
            assertThat(chart.env("SPRING_DATA_REDIS_URL")).contains("redis://redis.serving.svc:6379");
            assertThat(chart.env("QF_STATE_KEY_PREFIX")).contains("classify-prod");
        }

        @Test
        void schedulesOntoArm64Nodes() {
            V1PodSpec pod = podSpec(chart);
            assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/arch", "arm64");
            assertThat(pod.getTolerations()).singleElement().satisfies(toleration -> {
                assertThat(toleration.getKey()).isEqualTo("kubernetes.io/arch");
                assertThat(toleration.getValue()).isEqualTo("arm64");
                assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
            });
            assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
        }

        @Test
        void turnsOpenApiAndSwaggerUiOn() {
            assertThat(chart.env("SPRINGDOC_API_DOCS_ENABLED")).contains("true");
            assertThat(chart.env("SPRINGDOC_SWAGGER_UI_ENABLED")).contains("true");
        }

        @Test
        void passesSettingsJvmFlagsAndExtraEnvironment() {
            String settings = configMap(chart, "qf-qf-serving-config").getData().get("application.yml");
            assertThat(settings).contains("shutdown: graceful");
            assertThat(chart.env("JAVA_TOOL_OPTIONS")).contains("-XX:ActiveProcessorCount=2 -XX:+UseZGC");
            assertThat(chart.env("LOGGING_LEVEL_IO_QFSERVING")).contains("DEBUG");
            assertThat(chart.one(V1Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsKeys("checksum/config", "checksum/admin-token")
                    .containsEntry("example.com/team", "ml-platform");
        }
    }

    @Nested
    class WithExistingClaimAndSecret {

        private final RenderedChart chart = RenderedChart.render(EXISTING_RESOURCES);

        @Test
        void referencesThemWithoutCreatingAny() {
            assertThat(chart.all(V1PersistentVolumeClaim.class)).isEmpty();
            assertThat(chart.all(V1Secret.class)).isEmpty();
            V1PodSpec pod = podSpec(chart);
            assertThat(volume(pod, "models").getPersistentVolumeClaim().getClaimName()).isEqualTo("shared-models");
            var secret = volume(pod, "admin-token").getSecret();
            assertThat(secret.getSecretName()).isEqualTo("qf-admin");
            assertThat(secret.getItems()).singleElement().satisfies(item -> assertThat(item.getKey()).isEqualTo("bearer"));
        }

        @Test
        void takesTheRedisUrlFromTheExistingSecret() {
            V1EnvVar url = chart.envVar("SPRING_DATA_REDIS_URL")
                    .orElseThrow(() -> new AssertionError("no SPRING_DATA_REDIS_URL"));
            assertThat(url.getValue()).isNull();
            assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("qf-redis");
            assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("redis-url");
            assertThat(chart.env("QF_STATE_KEY_PREFIX")).contains("qf-qf-serving");
        }
    }

    private static void assertRefusedForWantOfRedis(Path values) {
        assertThatThrownBy(() -> RenderedChart.render(values))
                .hasMessageContaining("each replica keeps its own experiment state")
                .hasMessageContaining("feedback, runtime experiment changes and reports would be split")
                .hasMessageContaining("Set redis.url or redis.existingSecret");
    }

    private static void assertLintsCleanly(LintResult result) {
        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(ChartLint.problems(result)).isEmpty();
    }

    private static void assertManagementProbe(V1Probe probe, String path) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("management");
    }

    private static int containerPort(RenderedChart chart, String name) {
        return chart.container().getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + name)).getContainerPort();
    }

    private static V1Service service(RenderedChart chart, String name) {
        List<V1Service> services = chart.all(V1Service.class);
        return services.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + name + " among " + services.stream()
                        .map(s -> s.getMetadata().getName()).toList()));
    }

    private static V1PodSpec podSpec(RenderedChart chart) {
        return chart.one(V1Deployment.class).getSpec().getTemplate().getSpec();
    }

    private static V1Volume volume(V1PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static V1VolumeMount mount(RenderedChart chart, String volume) {
        return chart.container().getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError("no mount of volume " + volume));
    }

    private static String mountPath(RenderedChart chart, String volume) {
        return mount(chart, volume).getMountPath();
    }

    private static V1ConfigMap configMap(RenderedChart chart, String name) {
        List<V1ConfigMap> maps = chart.all(V1ConfigMap.class);
        return maps.stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name + " among " + maps.stream()
                        .map(m -> m.getMetadata().getName()).toList()));
    }
}
