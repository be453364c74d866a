package io.qfserving.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.ModelFolders;
import io.qfserving.service.testing.PrometheusServer;
import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The service under a short load, scraped by a real Prometheus: the default {@code mobilenet-v2-ab}
 * experiment (four variants at 25%) with shadow traffic on (and a burst beyond its queue), direct calls
 * to every model (and a bad image to each), feedback, failures and a corrupt model version. Then the split Prometheus saw over 2,000 requests matches the weights within 3 points per
 * variant, sticky clients never switched variant, and every panel query of the shipped Grafana
 * dashboard returns data. Skipped, with a message, where Debian's prometheus is not installed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qf.repository.poll-interval=0s",
        "qf.experiments.mobilenet-v2-ab.shadow.percent=100",
        "qf.shadow.queue-capacity=2",
})
class LiveDashboardTests {

    static final String EXPERIMENT = "mobilenet-v2-ab";
    static final int WEIGHTED_REQUESTS = 2000;
    static final Path REPOSITORY = repositoryWithACorruptVersion();

    @DynamicPropertySource
    static void repository(DynamicPropertyRegistry registry) {
        registry.add("qf.repository.path", REPOSITORY::toString);
    }

    /** Draws come from a fixed seed; the weighted phase runs one request at a time, so its split is the same every run. */
    @TestConfiguration(proxyBeanMethods = false)
    static class SeededDraws {
        @Bean
        RandomGenerator experimentRandom() {
            return new Random(42);
        }
    }

    /** Every embedded model, plus a version 2 of one of them that cannot load: a load failure to count. */
    static Path repositoryWithACorruptVersion() {
        Path repository = ModelFolders.copyOfAll();
        try {
            Path corrupt = Files.createDirectories(repository.resolve("qf-mobilenet-v1-int8").resolve("2"));
            Files.copy(repository.resolve("qf-mobilenet-v1-int8").resolve("1").resolve("manifest.json"), corrupt.resolve("manifest.json"));
            Files.writeString(corrupt.resolve("model.onnx"), "not a model", StandardCharsets.UTF_8);
            return repository;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @Value("${local.grpc.server.port}")
    int grpcPort;

    @LocalManagementPort
    int managementPort;

    final byte[] jpeg = TestImages.jpeg(TestImages.scene(224, 224, 61));

    @Test
    void prometheusSeesTheConfiguredSplitStickyClientsAndDataForEveryPanel() throws Exception {
        String target = "localhost:" + managementPort;
        try (PrometheusServer prometheus = PrometheusServer.start(List.of(target))) {
            Http http = new Http(port);
            Map<String, Integer> answered = new HashMap<>();
            List<JsonNode> served = new ArrayList<>();
            for (int i = 0; i < WEIGHTED_REQUESTS; i++) {
                JsonNode body = classify(http).json();
                answered.merge(body.get("experiment").get("variant").asString(), 1, Integer::sum);
                if (i % 20 == 0) {
                    served.add(body);
                }
            }
            awaitTotal(prometheus, WEIGHTED_REQUESTS);
            Map<String, Double> seen = new HashMap<>();
            for (var sample : prometheus.query("sum by (experiment_variant) (qf_requests_total{experiment=\"" + EXPERIMENT
                    + "\", transport=\"http\", outcome=\"success\"})")) {
                seen.put(sample.labels().get("experiment_variant"), sample.value());
            }
            assertThat(seen).containsOnlyKeys("baseline-float", "baseline-int8", "qf-float", "qf-int8");
            seen.forEach((variant, count) -> {
                assertThat(count).as("Prometheus counts what the clients saw for " + variant)
                        .isEqualTo(answered.get(variant).doubleValue());
                assertThat(count / WEIGHTED_REQUESTS).as(variant + "'s share of " + WEIGHTED_REQUESTS + " requests").isCloseTo(0.25,
                        within(0.03));
            });

            for (int client = 0; client < 40; client++) {
                String first = null;
                for (int round = 0; round < 5; round++) {
                    String variant = classify(http, "X-Client-Id", "sticky-" + client).json().get("experiment").get("variant").asString();
                    first = first == null ? variant : first;
                    assertThat(variant).as("sticky-%d, request %d", client, round).isEqualTo(first);
                }
            }
            for (int i = 0; i < served.size(); i++) {
                JsonNode answer = served.get(i);
                String predicted = answer.get("predictions").get(0).get("synset").asString();
                String other = answer.get("predictions").get(1).get("synset").asString();
                String feedback = "{\"request_id\":\"" + answer.get("request_id").asString() + "\",\"label\":\""
                        + (i % 2 == 0 ? predicted : other) + "\"}";
                assertThat(http.post("/v1/feedback", "application/json", feedback.getBytes(StandardCharsets.UTF_8)).status())
                        .isEqualTo(200);
            }
            burst(http, 8, 10);
            for (JsonNode model : http.get("/v1/models").json().get("models")) {
                String name = model.get("name").asString();
                for (int i = 0; i < 3; i++) {
                    assertThat(http.post("/v1/models/" + name + ":classify", "image/jpeg", jpeg).status()).as(name).isEqualTo(200);
                }
                assertThat(http.post("/v1/models/" + name + ":classify", "image/png", new byte[] {1, 2, 3}).status()).as(name)
                        .isEqualTo(415);
            }
            assertThat(http.post("/v1/classify", "image/jpeg", "not an image".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(415);
            assertThat(http.post("/v1/models/no-such-model:classify", "image/jpeg", jpeg).status()).isEqualTo(404);
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
            try {
                for (int i = 0; i < 10; i++) {
                    ClassificationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .classify(ClassifyRequest.newBuilder().setModel(EXPERIMENT).setImage(ByteString.copyFrom(jpeg)).build());
                }
            } finally {
                channel.shutdownNow();
            }

            int scrapes = prometheus.successfulScrapes(target);
            prometheus.awaitScrapes(target, scrapes + 3, Duration.ofSeconds(30));
            GrafanaDashboard dashboard = GrafanaDashboard.shipped();
            for (GrafanaDashboard.Choice choice : GrafanaDashboard.Choice.values()) {
                GrafanaDashboard.Selection selection = dashboard.select(prometheus, choice);
                for (GrafanaDashboard.Query query : dashboard.queries()) {
                    String expr = GrafanaDashboard.substitute(query.expr(), selection.chosen());
                    assertThat(prometheus.query(expr)).as("%s %s with %s: %s", query.panel(), query.refId(), choice, expr).isNotEmpty();
                }
            }
        }
    }

    /** {@code clients} at once, {@code each} requests apiece: more shadow work than its queue holds. */
    private void burst(Http http, int clients, int each) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    classify(http);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private Http.Response classify(Http http, String... headers) {
        Http.Response response = http.post("/v1/models/" + EXPERIMENT + ":classify", "image/jpeg", jpeg, headers);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response;
    }

    private static void awaitTotal(PrometheusServer prometheus, int requests) {
        String total = "sum(qf_requests_total{experiment=\"" + EXPERIMENT + "\", transport=\"http\"})";
        await().alias("Prometheus scraped all " + requests + " requests").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> prometheus.query(total), samples -> !samples.isEmpty() && samples.getFirst().value() >= requests);
    }
}
