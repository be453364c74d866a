package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qfserving.service.QfServingApplication;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.RedisServer;
import io.qfserving.service.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Several server instances (application contexts on their own random ports) on one real Redis, as
 * replicas behind a load balancer: each request may reach any of them, and they must answer as one.
 */
class ReplicasTests {

    private static final String TOKEN = "replicas-admin-token";
    private static final String EXPERIMENT = "/v1/models/mobilenet-v2-ab:classify";
    private static final byte[] IMAGE = TestImages.jpeg(TestImages.scene(160, 120, 3));

    private final List<ConfigurableApplicationContext> servers = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() {
        servers.forEach(ConfigurableApplicationContext::close);
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * A replica on the embedded models with the default experiment. The request-path timeout is
     * generous here: what is tested is that replicas share state, not how long a write may take on a
     * busy build machine (the store's own tests bound that).
     */
    private Http replica(String keyPrefix) {
        ConfigurableApplicationContext server = SpringApplication.run(QfServingApplication.class,
                "--qf.repository.path=" + EmbeddedModelsTest.REPOSITORY, "--qf.repository.poll-interval=0s",
                "--spring.data.redis.url=" + redis.url(), "--qf.state.key-prefix=" + keyPrefix,
                "--qf.state.request-timeout=2s", "--qf.admin.token=" + TOKEN, "--logging.level.root=WARN");
        servers.add(server);
        return new Http(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
    }

    /** The actuator of the replica started first. */
    private Http firstManagement() {
        return new Http(Integer.parseInt(servers.getFirst().getEnvironment().getProperty("local.management.port")));
    }

    @Test
    void threeReplicasShareFeedbackExperimentChangesAndReports() {
        redis = RedisServer.start();
        List<Http> replicas = List.of(replica("three"), replica("three"), replica("three"));
        int requests = 60;
        for (int i = 0; i < requests; i++) {
            Http.Response classified = replicas.get(i % 3).post(EXPERIMENT, "image/jpeg", IMAGE);
            assertThat(classified.status()).as(classified.text()).isEqualTo(200);
            String requestId = classified.json().get("request_id").asString();
            // The balancer sends the feedback elsewhere: to the next replica.
            Http.Response feedback = replicas.get((i + 1) % 3).post("/v1/feedback", "application/json",
                    ("{\"request_id\":\"" + requestId + "\",\"label\":\"" + (i % 10) + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(feedback.status()).as(feedback.text()).isEqualTo(200);
        }

        await().untilAsserted(() -> assertThat(sum(report(replicas.getFirst()), "requests")).isEqualTo(requests));
        JsonNode report = report(replicas.getFirst());
        assertThat(sum(report, "feedback")).isEqualTo(requests);
        assertThat(report(replicas.get(1))).isEqualTo(report);
        assertThat(report(replicas.get(2))).isEqualTo(report);

        long changed = System.nanoTime();
        Http.Response put = replicas.get(1).put("/admin/experiments/mobilenet-v2-ab", """
                {"variants": [{"name": "baseline-float", "model": "mobilenet-v2", "weight": 0},
                              {"name": "qf-int8", "model": "qf-mobilenet-v2-int8", "weight": 1}]}
                """.getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + TOKEN);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        for (Http replica : replicas) {
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> "qf-int8"
                            .equals(replica.post(EXPERIMENT, "image/jpeg", IMAGE).json().path("experiment").path("variant").asString()));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("the change routes on every replica")
                .isLessThan(Duration.ofSeconds(1));
        await().untilAsserted(() -> assertThat(sum(report(replicas.getFirst()), "requests")).isEqualTo(3));
        JsonNode afterChange = report(replicas.get(2));
        assertThat(afterChange.get("revision").asLong()).isEqualTo(report.get("revision").asLong() + 1);
        assertThat(report(replicas.get(0))).isEqualTo(afterChange);
        assertThat(report(replicas.get(1))).isEqualTo(afterChange);
    }

    @Test
    void aRedisOutageFailsNoClassifyCallAndTheReplicaRecoversByItself() throws Exception {
        redis = RedisServer.start();
        Http server = replica("outage");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Future<?> load;
        try (ExecutorService clients = Executors.newFixedThreadPool(2)) {
            load = clients.submit(() -> {
                while (loading.get()) {
                    Http.Response classified = server.post(EXPERIMENT, "image/jpeg", IMAGE);
                    if (classified.status() == 200) {
                        served.incrementAndGet();
                    } else {
                        synchronized (failures) {
                            failures.add(classified.status() + " " + classified.text());
                        }
                    }
                }
            });
            await().until(() -> served.get() >= 10);

            redis.stop();
            int servedBeforeOutage = served.get();
            await().until(() -> served.get() >= servedBeforeOutage + 20);
            Http.Response feedback = feedback(server, server.post(EXPERIMENT, "image/jpeg", IMAGE));
            assertThat(feedback.status()).as(feedback.text()).isEqualTo(503);
            assertThat(feedback.json().get("type").asString()).isEqualTo("urn:qf-serving:problem:unavailable");
            assertThat(feedback.json().get("detail").asString()).contains("shared experiment state is unavailable");
            assertThat(server.get("/v1/experiments/mobilenet-v2-ab/report").status()).isEqualTo(503);
            JsonNode health = firstManagement().get("/actuator/health").json();
            assertThat(health.path("components").path("state").path("status").asString()).isEqualTo("DOWN");
            assertThat(firstManagement().get("/actuator/health/readiness").status()).as("readiness stays UP").isEqualTo(200);

            redis.restart();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> feedback(server, server.post(EXPERIMENT, "image/jpeg", IMAGE)).status() == 200);
            loading.set(false);
            load.get();
        }
        assertThat(failures).as("classify calls that failed").isEmpty();
        assertThat(firstManagement().get("/actuator/prometheus").text())
                .containsPattern("qf_state_errors_total\\{[^}]*operation=\"served\"[^}]*} [1-9]");
    }

    private static Http.Response feedback(Http server, Http.Response classified) {
        String requestId = classified.json().get("request_id").asString();
        return server.post("/v1/feedback", "application/json",
                ("{\"request_id\":\"" + requestId + "\",\"label\":\"0\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode report(Http replica) {
        Http.Response report = replica.get("/v1/experiments/mobilenet-v2-ab/report");
        assertThat(report.status()).as(report.text()).isEqualTo(200);
        return report.json();
    }

    private static long sum(JsonNode report, String field) {
        return report.get("variants").valueStream().mapToLong(variant -> variant.get(field).asLong()).sum();
    }
}
