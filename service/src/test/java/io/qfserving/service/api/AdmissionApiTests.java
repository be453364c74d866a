package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.testing.BatchGate;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Admission end to end, with a limit of one request in progress. Every call returns its permit,
 * whatever its outcome, on both transports. Senders that open a request and then trickle or stall its
 * body (raw, tensors or a multipart upload) hold neither a request thread nor a place in the admission
 * limit: with four request threads and sixteen stalled senders, classify and the probes still answer,
 * and each stalled sender gets a 408 when the body timeout passes. A classify held in the engine by a
 * {@link BatchGate} holds the one place, which shows what a refusal looks like on each API and transport.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qf.repository.path=" + EmbeddedModelsTest.REPOSITORY,
        "qf.repository.poll-interval=0s",
        "server.tomcat.threads.max=4",
        "qf.admission.body-timeout=3s",
        "qf.admission.initial-limit=1",
        "qf.admission.min-limit=1",
        "qf.admission.max-limit=1",
        "spring.grpc.server.inprocess.name=slow-senders",
})
@Import(BatchGate.class)
class AdmissionApiTests {

    private static final int STALLED = 16;
    private static final String MULTIPART = "multipart/form-data; boundary=b";

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    @Autowired
    WebServerApplicationContext context;

    @Autowired
    BatchGate gate;

    private final List<Socket> senders = new ArrayList<>();

    @AfterEach
    void openGate() {
        gate.open();
    }

    @AfterEach
    void hangUp() throws IOException {
        for (Socket sender : senders) {
            sender.close();
        }
    }

    /** Sends a request's headers and the first bytes of its body, then nothing more. */
    private Socket stall(String path, String contentType, int length, byte[] start) throws IOException {
        Socket socket = new Socket("localhost", port);
        senders.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(start);
        out.flush();
        return socket;
    }

    /** The whole response, up to the server closing the connection. */
    private static String response(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        try (InputStream in = socket.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void stalledBodiesHoldNoThreadNorPermitAndTimeOutWith408() throws IOException {
        byte[] jpeg = TestImages.jpeg(TestImages.scene(160, 120, 3));
        List<StalledKind> kinds = List.of(new StalledKind("/v1/classify", "image/jpeg", "\"type\":\"urn:qf-serving:problem:body-timeout\""),
                new StalledKind("/v2/models/qf-mobilenet-v1/infer", "application/json", "{\"error\":\"the request body did not arrive"),
                new StalledKind("/v1/classify", MULTIPART, "\"type\":\"urn:qf-serving:problem:body-timeout\""));
        for (int i = 0; i < STALLED; i++) {
            StalledKind kind = kinds.get(i % kinds.size());
            stall(kind.path(), kind.contentType(), 100_000, new byte[] {'-'});
        }
        // Every stalled body is being received (each holds its first 16 KB chunk of the budget) before
        // classify takes the one permit; a sender arriving while it is held would be refused instead.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.get(MetricNames.ADMISSION_RECEIVING).gauge().value() == STALLED * 16 * 1024);
        Http http = new Http(port);

        Http.Response classified = http.post("/v1/classify", "image/jpeg", jpeg);
        assertThat(classified.status()).as(classified.text()).isEqualTo(200);
        Http.Response uploaded = http.postFiles("/v1/classify", Map.of("a.jpg", jpeg));
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(200);
        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
        assertThat(registry.get(MetricNames.ADMISSION_IN_PROGRESS).gauge().value()).isZero();

        for (int i = 0; i < STALLED; i++) {
            String response = response(senders.get(i));
            assertThat(response).startsWith("HTTP/1.1 408 ").containsIgnoringCase("Connection: close")
                    .contains(kinds.get(i % kinds.size()).answer());
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                registry.get(MetricNames.ADMISSION_BODY_TIMEOUTS).functionCounter().count()).isEqualTo(STALLED));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                registry.get(MetricNames.ADMISSION_RECEIVING).gauge().value()).isZero());
    }

    private record StalledKind(String path, String contentType, String answer) {}

    @Test
    void everyCallReturnsItsPermitWhateverItsOutcome() {
        Http http = new Http(port);
        byte[] jpeg = TestImages.jpeg(TestImages.scene(64, 64, 2));
        double refusedBefore = registry.get(MetricNames.ADMISSION_REFUSED).functionCounter().count();
        ManagedChannel channel = InProcessChannelBuilder.forName("slow-senders").directExecutor().build();
        try {
            var grpc = ClassificationServiceGrpc.newBlockingStub(channel);
            for (int round = 0; round < 3; round++) {
                assertThat(http.post("/v1/classify", "image/jpeg", jpeg).status()).isEqualTo(200);
                assertThat(http.post("/v1/models/no-such-model:classify", "image/jpeg", jpeg).status()).isEqualTo(404);
                assertThat(http.post("/v1/classify", "image/jpeg", new byte[] {1, 2, 3}).status()).isEqualTo(415);
                assertThat(http.post("/v2/models/qf-mobilenet-v1/infer", "application/json", new byte[] {'['}).status()).isEqualTo(400);
                assertThat(grpc.classify(ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(jpeg)).build()).getPredictionsCount())
                        .isPositive();
                for (ClassifyRequest bad : List.of(
                        ClassifyRequest.newBuilder().setModel("no-such-model").setImage(ByteString.copyFrom(jpeg)).build(),
                        ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(new byte[] {1, 2, 3})).build())) {
                    assertThatThrownBy(() -> grpc.classify(bad)).isInstanceOf(StatusRuntimeException.class);
                }
            }
        } finally {
            channel.shutdownNow();
        }
        // A failed gRPC call returns its permit when the transport reports the call complete, just after the client hears.
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(MetricNames.ADMISSION_IN_PROGRESS).gauge().value() == 0);
        assertThat(registry.get(MetricNames.ADMISSION_REFUSED).functionCounter().count())
                .as("none refused: each call found the permit free").isEqualTo(refusedBefore);
    }

    @Test
    void bodiesAreReadThroughTheConfiguredSocketBuffer() {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        assertThat(String.valueOf(connector.getProperty("socket.appReadBufSize"))).isEqualTo("32768");
    }

    @Test
    void atTheLimitEachApiRefusesInItsOwnFormBeforeReadingTheBody() throws Exception {
        Http http = new Http(port);
        CompletableFuture<Http.Response> held = holdThePermit(http);

        Http.Response ours = http.post("/v1/models/qf-mobilenet-v1:classify", "image/jpeg", new byte[10]);
        assertThat(ours.status()).isEqualTo(429);
        assertThat(ours.header("Retry-After")).isEqualTo("1");
        assertThat(ours.header("Content-Type")).startsWith("application/problem+json");
        assertThat(ours.json().get("type").asString()).isEqualTo("urn:qf-serving:problem:overloaded");

        Http.Response protocol = http.post("/v2/models/qf-mobilenet-v1/infer", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(protocol.status()).isEqualTo(429);
        assertThat(OipBadInputTests.strictError(protocol)).contains("limit of requests in progress");

        ManagedChannel channel = InProcessChannelBuilder.forName("slow-senders").directExecutor().build();
        try {
            ClassifyRequest request = ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(new byte[10])).build();
            assertThatThrownBy(() -> ClassificationServiceGrpc.newBlockingStub(channel).classify(request))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getTrailers().get(Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER)))
                                .isEqualTo("1000");
                    });
        } finally {
            channel.shutdownNow();
        }
        gate.open();
        assertThat(held.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(MetricNames.ADMISSION_IN_PROGRESS).gauge().value() == 0);
        assertThat(http.post("/v1/classify", "image/jpeg", TestImages.jpeg(TestImages.scene(64, 64, 1))).status())
                .as("admitted again once the held classify is done").isEqualTo(200);
    }

    /** A classify held in the engine, in progress (with the one permit) until the gate opens. */
    private CompletableFuture<Http.Response> holdThePermit(Http http) throws InterruptedException {
        gate.close();
        CompletableFuture<Http.Response> held =
                CompletableFuture.supplyAsync(() -> http.post("/v1/classify", "image/jpeg", TestImages.jpeg(TestImages.scene(64, 64, 4))));
        gate.awaitHeldBatch();
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(MetricNames.ADMISSION_IN_PROGRESS).gauge().value() == 1);
        return held;
    }

    @Test
    void eachMessageOfAStreamTakesAPermitAndOneRefusedAtTheLimitFailsAlone() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.scene(64, 64, 5));
        ClassifyRequest image = ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(jpeg)).build();
        BlockingQueue<ClassifyResponse> answers = new LinkedBlockingQueue<>();
        ManagedChannel channel = InProcessChannelBuilder.forName("slow-senders").directExecutor().build();
        try {
            StreamObserver<ClassifyRequest> stream = ClassificationServiceGrpc.newStub(channel).classifyStream(new StreamObserver<>() {
                @Override
                public void onNext(ClassifyResponse answer) {
                    answers.add(answer);
                }

                @Override
                public void onError(Throwable failure) {}

                @Override
                public void onCompleted() {}
            });
            stream.onNext(image);
            assertThat(answers.poll(20, TimeUnit.SECONDS).getPredictionsCount()).as("admitted while the permit is free").isPositive();

            CompletableFuture<Http.Response> held = holdThePermit(new Http(port));
            stream.onNext(image);
            ClassifyResponse refused = answers.poll(20, TimeUnit.SECONDS);
            assertThat(refused.getError().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
            assertThat(refused.getError().getMessage()).contains("limit of requests in progress");

            gate.open();
            assertThat(held.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(MetricNames.ADMISSION_IN_PROGRESS).gauge().value() == 0);
            stream.onNext(image);
            assertThat(answers.poll(20, TimeUnit.SECONDS).getPredictionsCount()).as("the same stream, admitted again").isPositive();
            stream.onCompleted();
        } finally {
            channel.shutdownNow();
        }
        assertThat(registry.get(MetricNames.ADMISSION_IN_PROGRESS).gauge().value()).isZero();
    }
}
