package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.service.repository.ModelLease;
import io.qfserving.service.repository.ModelRepository;
import io.qfserving.service.testing.BatchGate;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.ModelFolders;
import io.qfserving.service.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A full queue refuses at once (HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED) while every
 * accepted request completes; a client's deadline is honoured. The engine is held still by a
 * {@link BatchGate}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qf.repository.poll-interval=0s",
        "qf.engine.batching.max-batch-size=1",
        "qf.engine.batching.queue-capacity=4",
        // One worker, so one batch held at the gate holds the whole engine.
        "qf.engine.batching.workers=1",
        "qf.inference.default-model=" + OverloadAndDeadlineTests.MODEL,
        "spring.grpc.server.inprocess.name=overload",
})
@Import(BatchGate.class)
class OverloadAndDeadlineTests {

    static final String MODEL = "qf-mobilenet-v2-int8";
    static final Path REPOSITORY = ModelFolders.copyOf(MODEL);

    @DynamicPropertySource
    static void repository(DynamicPropertyRegistry registry) {
        registry.add("qf.repository.path", REPOSITORY::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    BatchGate gate;

    @Autowired
    ModelRepository repository;

    final byte[] jpeg = TestImages.jpeg(TestImages.scene(160, 120, 31));

    @AfterEach
    void openGate() {
        gate.open();
    }

    @Test
    void aFullQueueRefusesAtOnceAndEveryAcceptedRequestCompletes() throws Exception {
        Http http = new Http(port);
        gate.close();
        List<CompletableFuture<Http.Response>> accepted = new ArrayList<>();
        accepted.add(CompletableFuture.supplyAsync(() -> http.post("/v1/classify", "image/jpeg", jpeg)));
        gate.awaitHeldBatch();
        for (int i = 0; i < 4; i++) {
            accepted.add(CompletableFuture.supplyAsync(() -> http.post("/v1/classify", "image/jpeg", jpeg)));
        }
        awaitQueueDepth(4);

        for (int i = 0; i < 5; i++) {
            Http.Response refused = http.post("/v1/classify", "image/jpeg", jpeg);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("detail").asString()).contains("queue is full");
        }
        assertGrpcClassifyFails(null, Status.Code.RESOURCE_EXHAUSTED);

        gate.open();
        for (CompletableFuture<Http.Response> request : accepted) {
            Http.Response response = request.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("predictions")).hasSize(5);
        }
    }

    @Test
    void aClientDeadlineEndsTheWaitWithATimeoutStatus() throws Exception {
        Http http = new Http(port);
        gate.close();
        CompletableFuture<Http.Response> running = CompletableFuture.supplyAsync(() -> http.post("/v1/classify", "image/jpeg", jpeg));
        gate.awaitHeldBatch();

        long start = System.nanoTime();
        Http.Response late = http.post("/v1/classify", "image/jpeg", jpeg, "X-Request-Timeout-Ms", "300");
        assertThat(late.status()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));

        assertGrpcClassifyFails(Duration.ofMillis(300), Status.Code.DEADLINE_EXCEEDED);
        gate.open();
        assertThat(running.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    /** A gRPC Classify of the test image, with {@code deadline} if not null, fails with {@code code}. */
    private void assertGrpcClassifyFails(Duration deadline, Status.Code code) {
        ManagedChannel channel = InProcessChannelBuilder.forName("overload").build();
        try {
            var stub = ClassificationServiceGrpc.newBlockingStub(channel);
            var call = deadline == null ? stub : stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> call.classify(ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(jpeg)).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
        } finally {
            channel.shutdownNow();
        }
    }

    private void awaitQueueDepth(int depth) {
        await().alias("the queue reaches " + depth).pollInterval(Duration.ofMillis(10)).until(() -> {
            try (ModelLease lease = repository.acquire(MODEL, null)) {
                return lease.model().queueDepth();
            }
        }, queued -> queued == depth);
    }
}
