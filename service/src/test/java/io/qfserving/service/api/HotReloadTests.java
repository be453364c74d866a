package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.ModelFolders;
import io.qfserving.service.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Versions arrive while clients keep classifying: a good version 2 takes over without a failed
 * request; a corrupt version 3 is refused and version 2 keeps serving.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qf.repository.poll-interval=200ms",
        "qf.repository.settle-time=300ms",
})
class HotReloadTests {

    static final String MODEL = "qf-mobilenet-v2-int8";
    static final Path REPOSITORY = ModelFolders.copyOf(MODEL);

    @DynamicPropertySource
    static void repository(DynamicPropertyRegistry registry) {
        registry.add("qf.repository.path", REPOSITORY::toString);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void aNewVersionTakesOverUnderLoadAndACorruptOneIsRefused() throws Exception {
        Http http = new Http(port);
        byte[] jpeg = TestImages.jpeg(TestImages.scene(160, 120, 41));
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = List.of(1, 2, 3).stream().map(i -> Thread.ofVirtual().start(() -> {
            while (running.get()) {
                Http.Response response = http.post("/v1/models/" + MODEL + ":classify", "image/jpeg", jpeg);
                if (response.status() == 200) {
                    servedBy.computeIfAbsent(response.json().get("version").asString(), v -> new AtomicInteger()).incrementAndGet();
                } else {
                    failures.add(response.status() + " " + response.text());
                }
            }
        })).toList();

        awaitTrue(() -> served(servedBy, "1") > 20);
        ModelFolders.copyVersion(MODEL, REPOSITORY.resolve(MODEL).resolve("2"));
        awaitTrue(() -> served(servedBy, "2") > 20);
        assertThat(versionState(http, "1")).isEqualTo("available");

        Path corrupt = Files.createDirectories(REPOSITORY.resolve(MODEL).resolve("3"));
        Files.copy(REPOSITORY.resolve(MODEL).resolve("1").resolve("manifest.json"), corrupt.resolve("manifest.json"));
        Files.writeString(corrupt.resolve("model.onnx"), "half an upload", StandardCharsets.UTF_8);
        awaitTrue(() -> "failed".equals(versionState(http, "3")));
        int servedByTwo = served(servedBy, "2");
        awaitTrue(() -> served(servedBy, "2") > servedByTwo + 20);

        running.set(false);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(failures).as("no request failed while versions changed").isEmpty();
        assertThat(servedBy).containsOnlyKeys("1", "2");
        Http management = new Http(managementPort);
        assertThat(management.get("/actuator/health").json().get("components").get("models").get("details").get("failed").has(MODEL + "/3"))
                .isTrue();
        assertThat(management.get("/actuator/prometheus").text())
                .contains("qf_model_load_failures_total{model=\"" + MODEL + "\",version=\"3\"} 1.0");
        assertThat(seriesOf(management, "1")).as("a retired version leaves no series behind").isEmpty();
        assertThat(seriesOf(management, "2")).as("the serving version's").isNotEmpty();
    }

    /** The qf_ series labelled with a version of the model. */
    private static List<String> seriesOf(Http management, String version) {
        return management.get("/actuator/prometheus").text().lines().filter(line -> line.startsWith("qf_"))
                .filter(line -> line.contains("model=\"" + MODEL + "\"") && line.contains("version=\"" + version + "\"")).toList();
    }

    private static int served(Map<String, AtomicInteger> servedBy, String version) {
        AtomicInteger count = servedBy.get(version);
        return count == null ? 0 : count.get();
    }

    private static String versionState(Http http, String version) {
        for (JsonNode v : http.get("/v1/models/" + MODEL).json().get("versions")) {
            if (v.get("version").asString().equals(version)) {
                return v.get("state").asString();
            }
        }
        return null;
    }

    private static void awaitTrue(BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }
}
