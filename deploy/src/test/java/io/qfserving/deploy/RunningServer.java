package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.proto.v1.ClassifyResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running qf-serving container, called over HTTP, its management port and gRPC, with the checks
 * every test of a built image makes: {@link ImageSmokeTests} calls the one scripts/run-image-smoke.sh
 * starts, {@link ImageContainerTests} the one Testcontainers starts.
 */
final class RunningServer implements AutoCloseable {

    private final URI http;
    private final URI management;
    private final Duration callTimeout;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ManagedChannel grpc;

    /**
     * @param http        base URL of the HTTP port
     * @param management  base URL of the management port (the actuator: probes, health, metrics)
     * @param grpcTarget  host:port of the gRPC port
     * @param callTimeout bound of each call (emulated arm64 containers answer slowly)
     */
    RunningServer(URI http, URI management, String grpcTarget, Duration callTimeout) {
        this.http = http;
        this.management = management;
        this.callTimeout = callTimeout;
        this.grpc = ManagedChannelBuilder.forTarget(grpcTarget).usePlaintext().build();
    }

    /** Readiness is UP, which the server reports once every model is warm, and so is the models' indicator. */
    void assertReadyWithItsModelsLoaded() throws IOException, InterruptedException {
        HttpResponse<String> readiness = get(management, "/actuator/health/readiness");
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(json(readiness.body()).path("status").asString()).isEqualTo("UP");

        JsonNode health = json(get(management, "/actuator/health").body());
        assertThat(health.path("components").path("models").path("status").asString()).as(health.toString())
                .isEqualTo("UP");
    }

    /** The management port serves the Prometheus exposition, with the models' series from start-up on. */
    void assertServesItsMetrics() throws IOException, InterruptedException {
        HttpResponse<String> metrics = get(management, "/actuator/prometheus");
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).contains("qf_model_warmup_seconds{");
    }

    /**
     * The HTTP port has the Open Inference Protocol's health but neither the actuator nor, as the
     * image sets it, OpenAPI and Swagger UI.
     */
    void assertHttpPortKeepsActuatorAndOpenApiOff() throws IOException, InterruptedException {
        assertThat(get(http, "/v2/health/ready").statusCode()).isEqualTo(200);
        for (String path : new String[] {"/actuator/health", "/actuator/prometheus", "/v3/api-docs", "/swagger-ui.html"}) {
            HttpResponse<String> response = get(http, path);
            assertThat(response.statusCode()).as("%s on the HTTP port: %s", path, response.body()).isEqualTo(404);
        }
    }

    /** {@code POST /v1/classify} with the JPEG as the body; checks the answer and returns its JSON. */
    JsonNode classifyOverHttp(byte[] jpeg) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(http.resolve("/v1/classify"))
                .timeout(callTimeout)
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response.body());
        JsonNode predictions = answer.path("predictions");
        assertThat(predictions.size()).as(response.body()).isPositive();
        for (JsonNode prediction : predictions) {
            assertThat(prediction.path("label").asString()).isNotBlank();
            assertThat(prediction.path("score").asDouble()).isBetween(0.0, 1.0);
        }
        return answer;
    }

    /** {@code qfserving.v1.ClassificationService/Classify} with the default model; checks the predictions. */
    ClassifyResponse classifyOverGrpc(byte[] jpeg) {
        ClassifyResponse response = ClassificationServiceGrpc.newBlockingStub(grpc)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .classify(ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(jpeg)).build());
        assertThat(response.getPredictionsList()).isNotEmpty().allSatisfy(prediction -> {
            assertThat(prediction.getLabel()).isNotBlank();
            assertThat(prediction.getScore()).isBetween(0f, 1f);
        });
        return response;
    }

    /** The standard {@code grpc.health.v1.Health/Check} of the whole server. */
    HealthCheckResponse.ServingStatus grpcHealth() {
        return HealthGrpc.newBlockingStub(grpc)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
    }

    @Override
    public void close() throws InterruptedException {
        grpc.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(callTimeout).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) {
        return JsonMapper.shared().readTree(body);
    }
}
