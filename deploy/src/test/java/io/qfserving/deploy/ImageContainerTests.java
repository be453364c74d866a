package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Ulimit;
import com.sun.management.UnixOperatingSystemMXBean;
import io.grpc.health.v1.HealthCheckResponse;
import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.proto.v1.Prediction;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;

/**
 * Starts the built image with Testcontainers, as the chart and run-image-smoke.sh run it (read-only
 * root, {@code /tmp} a tmpfs, explicit open-file and process limits), and calls it over HTTP, its
 * management port and gRPC. Needs a Docker-API engine: scripts/run-testcontainers.sh starts podman's
 * API service and runs this class. Skipped, saying why, where no engine is reachable (CI) or the
 * engine does not have the image.
 * <p>
 * {@code qf.image}: the image to start, from the engine's local images (default the amd64 image
 * that run-image-smoke.sh loads).
 */
@ExtendWith(ImageContainerTests.EngineWithTheImage.class)
class ImageContainerTests {

    private static final String IMAGE = System.getProperty("qf.image", "localhost/qf-serving-smoke:amd64");
    private static final int HTTP_PORT = 8080;
    private static final int MANAGEMENT_PORT = 8081;
    private static final int GRPC_PORT = 9090;
    /** The image's non-root user (Dockerfile APP_UID). */
    private static final String APP_UID = "10001";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** About 20 s on a 2-core machine; generous for a loaded one. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);
    /** The process limit run-image-smoke.sh sets: a modest fixed one, within what a sandbox grants. */
    private static final long PROCESS_LIMIT = 8192;

    private static final ToStringConsumer CONTAINER_LOG = new ToStringConsumer();
    private static GenericContainer<?> container;
    private RunningServer server;

    @BeforeAll
    static void startImage() {
        long openFileLimit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(HTTP_PORT, MANAGEMENT_PORT, GRPC_PORT)
                .withTmpFs(Map.of("/tmp", "rw,size=256m"))
                // The open-file limit is this JVM's (the JDK raises it to the hard limit): an engine's
                // default (rootful podman's 1048576) may be above what the sandbox it runs in grants.
                .withCreateContainerCmdModifier(create -> create.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withUlimits(List.of(new Ulimit("nofile", openFileLimit, openFileLimit),
                                new Ulimit("nproc", PROCESS_LIMIT, PROCESS_LIMIT))))
                .withLogConsumer(CONTAINER_LOG)
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(MANAGEMENT_PORT)
                        .withStartupTimeout(STARTUP_TIMEOUT));
        long started = System.nanoTime();
        try {
            container.start();
        } catch (ContainerLaunchException e) {
            // Testcontainers logs the server's output through SLF4J, which has no provider here.
            System.out.println("output of the container:\n" + CONTAINER_LOG.toUtf8String());
            throw e;
        }
        System.out.printf("%s ready %.1f s after start() (create, start, readiness; %s)%n", IMAGE,
                (System.nanoTime() - started) / 1e9, springStartupLine());
    }

    @AfterAll
    static void stopImage() {
        if (container != null) {
            container.stop();
        }
    }

    @BeforeEach
    void connect() {
        server = new RunningServer(mappedUrl(HTTP_PORT), mappedUrl(MANAGEMENT_PORT),
                container.getHost() + ":" + container.getMappedPort(GRPC_PORT), CALL_TIMEOUT);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        server.close();
    }

    @Test
    void reportsReadyWithItsModelsLoaded() throws Exception {
        server.assertReadyWithItsModelsLoaded();
    }

    @Test
    void servesItsMetricsOnTheManagementPort() throws Exception {
        server.assertServesItsMetrics();
    }

    @Test
    void keepsTheActuatorAndOpenApiOffTheHttpPort() throws Exception {
        server.assertHttpPortKeepsActuatorAndOpenApiOff();
    }

    @Test
    void theGrpcHealthServiceReportsServing() {
        assertThat(server.grpcHealth()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void classifiesAJpegAlikeOverHttpAndGrpc() throws Exception {
        byte[] jpeg = generatedJpeg();

        JsonNode overHttp = server.classifyOverHttp(jpeg);
        ClassifyResponse overGrpc = server.classifyOverGrpc(jpeg);

        // The same default model and the same ranked classes with the same scores, whatever the protocol.
        assertThat(overGrpc.getModel()).isEqualTo(overHttp.path("model").asString());
        JsonNode httpPredictions = overHttp.path("predictions");
        assertThat(overGrpc.getPredictionsCount()).isEqualTo(httpPredictions.size());
        for (int rank = 0; rank < httpPredictions.size(); rank++) {
            Prediction viaGrpc = overGrpc.getPredictions(rank);
            JsonNode viaHttp = httpPredictions.get(rank);
            assertThat(viaGrpc.getIndex()).as("class at rank %d", rank).isEqualTo(viaHttp.path("index").asInt());
            assertThat((double) viaGrpc.getScore()).as("score at rank %d", rank)
                    .isCloseTo(viaHttp.path("score").asDouble(), within(1e-5));
        }
        Prediction top = overGrpc.getPredictions(0);
        System.out.printf("top prediction of the generated JPEG: %s %.3f (model %s %s)%n", top.getLabel(),
                top.getScore(), overGrpc.getModel(), overGrpc.getPrecision());
    }

    @Test
    void runsAsItsNonRootUserOnAReadOnlyRoot() throws Exception {
        ExecResult user = container.execInContainer("id", "-u");
        assertThat(user.getStdout().strip()).isEqualTo(APP_UID);

        ExecResult write = container.execInContainer("touch", "/opt/qf-serving/written");
        assertThat(write.getExitCode()).isNotZero();
        assertThat(write.getStderr()).contains("Read-only file system");
    }

    /** Skips every test, saying what is missing, without an engine or without the image in it. */
    static final class EngineWithTheImage implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return ConditionEvaluationResult.disabled("no Docker-API engine is reachable (DOCKER_HOST, "
                        + "/var/run/docker.sock): scripts/run-testcontainers.sh starts podman's API service and runs these tests");
            }
            try {
                DockerClientFactory.lazyClient().inspectImageCmd(IMAGE).exec();
                return ConditionEvaluationResult.enabled("the engine has " + IMAGE);
            } catch (NotFoundException e) {
                return ConditionEvaluationResult.disabled(IMAGE + " is not among the engine's images: build it "
                        + "(scripts/build-images.sh, then scripts/run-image-smoke.sh amd64 loads it; or docker build) "
                        + "or name another with -Dqf.image");
            }
        }
    }

    private static URI mappedUrl(int containerPort) {
        return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(containerPort));
    }

    private static String springStartupLine() {
        Matcher line = Pattern.compile("Started \\w+ in [0-9.]+ seconds").matcher(CONTAINER_LOG.toUtf8String());
        return line.find() ? line.group() : "no start-up line in its log";
    }

    /** A synthetic 224x224 scene (sky, grass, a red disc): no photo is kept in the repository. */
    private static byte[] generatedJpeg() throws IOException {
        BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setPaint(new GradientPaint(0, 0, new Color(90, 150, 230), 0, 140, new Color(200, 225, 250)));
        graphics.fillRect(0, 0, 224, 140);
        graphics.setColor(new Color(60, 140, 50));
        graphics.fillRect(0, 140, 224, 84);
        graphics.setColor(new Color(200, 30, 30));
        graphics.fillOval(70, 90, 84, 84);
        graphics.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "jpg", jpeg)).as("a JPEG writer is available").isTrue();
        return jpeg.toByteArray();
    }
}
