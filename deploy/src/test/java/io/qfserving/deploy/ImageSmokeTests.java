package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.proto.v1.Prediction;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;

/**
 * Calls a running qf-serving container over HTTP, its management port and gRPC.
 * scripts/run-image-smoke.sh starts the image (amd64, and arm64 under qemu) and runs this class with:
 * <ul>
 * <li>{@code qf.smoke.http}: base URL of the HTTP port, e.g. http://127.0.0.1:18080</li>
 * <li>{@code qf.smoke.management}: base URL of the management port (probes, health, metrics), e.g.
 * http://127.0.0.1:18081</li>
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

    private final RunningServer server = new RunningServer(URI.create(System.getProperty("qf.smoke.http")),
            managementUrl(), System.getProperty("qf.smoke.grpc"), CALL_TIMEOUT);

    @AfterEach
    void closeServer() throws InterruptedException {
        server.close();
    }

    @Test
    void reportsReadyWithItsModelsLoaded() throws Exception {
        server.assertReadyWithItsModelsLoaded();
    }

    @Test
    void servesItsMetrics() throws Exception {
        assumeClassifyEndpoints();
        server.assertServesItsMetrics();
    }

    @Test
    void classifiesAPhotoOverHttp() throws Exception {
        assumeClassifyEndpoints();
        JsonNode answer = server.classifyOverHttp(photo());
        System.out.println("HTTP top prediction: " + answer.path("predictions").get(0));
    }

    @Test
    void classifiesAPhotoOverGrpc() throws Exception {
        assumeClassifyEndpoints();
        ClassifyResponse response = server.classifyOverGrpc(photo());
        Prediction top = response.getPredictions(0);
        System.out.printf("gRPC top prediction: %s %.3f (model %s %s)%n", top.getLabel(), top.getScore(),
                response.getModel(), response.getPrecision());
    }

    private static void assumeClassifyEndpoints() {
        assumeTrue(!"false".equals(System.getProperty("qf.smoke.classify")),
                "qf.smoke.classify=false: the image predates the classify endpoints, only its health is checked");
    }

    private static URI managementUrl() {
        String url = System.getProperty("qf.smoke.management", "");
        assertThat(url).as("qf.smoke.management, base URL of the management port").isNotBlank();
        return URI.create(url);
    }

    private static byte[] photo() throws IOException {
        String photo = System.getProperty("qf.smoke.photo", "");
        assertThat(photo).as("qf.smoke.photo, the JPEG to classify").isNotBlank();
        return Files.readAllBytes(Path.of(photo));
    }
}
