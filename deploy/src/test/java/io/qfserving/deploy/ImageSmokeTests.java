package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.proto.v1.Prediction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls a running qf-serving container over HTTP and gRPC. scripts/run-image-smoke.sh starts the
 * image (amd64, and arm64 under qemu) and runs this class with:
 * <ul>
 * <li>{@code qf.smoke.http}: base URL of the HTTP port, e.g. http://127.0.0.1:18080</li>
 * <li>{@code qf.smoke.grpc}: host:port of the gRPC port</li>
 * <li>{@code qf.smoke.photo}: a JPEG to classify</li>
 * <li>{@code qf.smoke.classify=false}: only the health check, for servers built before the classify
 * endpoints existed</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "qf.smoke.http", matches = ".+",
        disabledReason = "needs a running container: scripts/run-image-smoke.sh starts one and sets qf.smoke.http")
class ImageSmokeTests {

    /** Emulated arm64 containers answer slowly; this bounds each call. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

    private final URI http = URI.create(System.getProperty("qf.smoke.http"));
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void reportsReadyWithItsModelsLoaded() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(json(readiness.body()).path("status").asString()).isEqualTo("UP");

        JsonNode health = json(get("/actuator/health").body());
        assertThat(health.path("components").path("models").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void classifiesAPhotoOverHttp() throws Exception {
        assumeClassifyEndpoints();
        HttpRequest request = HttpRequest.newBuilder(http.resolve("/v1/classify"))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofFile(photo()))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode predictions = json(response.body()).path("predictions");
        assertThat(predictions.size()).as(response.body()).isPositive();
        for (JsonNode prediction : predictions) {
            assertThat(prediction.path("label").asString()).isNotBlank();
            assertThat(prediction.path("score").asDouble()).isBetween(0.0, 1.0);
        }
        System.out.println("HTTP top prediction: " + predictions.get(0));
    }

    @Test
    void classifiesAPhotoOverGrpc() throws Exception {
        assumeClassifyEndpoints();
        ManagedChannel channel = ManagedChannelBuilder.forTarget(System.getProperty("qf.smoke.grpc"))
                .usePlaintext()
                .build();
        try {
            ClassifyResponse response = ClassificationServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .classify(ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(Files.readAllBytes(photo()))).build());
            assertThat(response.getPredictionsList()).isNotEmpty().allSatisfy(prediction -> {
                assertThat(prediction.getLabel()).isNotBlank();
                assertThat(prediction.getScore()).isBetween(0f, 1f);
            });
            Prediction top = response.getPredictions(0);
            System.out.printf("gRPC top prediction: %s %.3f (model %s %s)%n", top.getLabel(), top.getScore(),
                    response.getModel(), response.getPrecision());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void assumeClassifyEndpoints() {
        assumeTrue(!"false".equals(System.getProperty("qf.smoke.classify")),
                "qf.smoke.classify=false: the image predates the classify endpoints, only its health is checked");
    }

    private static Path photo() {
        String photo = System.getProperty("qf.smoke.photo", "");
        assertThat(photo).as("qf.smoke.photo, the JPEG to classify").isNotBlank();
        return Path.of(photo);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(http.resolve(path)).timeout(CALL_TIMEOUT).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) {
        return JsonMapper.shared().readTree(body);
    }
}
