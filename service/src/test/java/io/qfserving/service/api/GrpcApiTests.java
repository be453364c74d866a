package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.qfserving.proto.inference.GRPCInferenceServiceGrpc;
import io.qfserving.proto.inference.InferParameter;
import io.qfserving.proto.inference.InferTensorContents;
import io.qfserving.proto.inference.ModelInferRequest;
import io.qfserving.proto.inference.ModelInferResponse;
import io.qfserving.proto.inference.ModelMetadataRequest;
import io.qfserving.proto.inference.ServerReadyRequest;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.service.testing.DirectEngine;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.TestImages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Our ClassificationService and the Open Inference Protocol's GRPCInferenceService: status codes over
 * the in-process transport, answers over the real network port compared with HTTP's.
 */
@EmbeddedModelsTest
class GrpcApiTests {

    @LocalServerPort
    int httpPort;

    @Value("${local.grpc.server.port}")
    int grpcPort;

    ManagedChannel inProcess;
    ManagedChannel network;

    final byte[] jpeg = TestImages.jpeg(TestImages.scene(320, 240, 21));

    @BeforeEach
    void channels() {
        inProcess = InProcessChannelBuilder.forName(EmbeddedModelsTest.IN_PROCESS).directExecutor().build();
        network = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().maxInboundMessageSize(32 << 20).build();
    }

    @AfterEach
    void close() {
        inProcess.shutdownNow();
        network.shutdownNow();
    }

    @Test
    void classifyOverTheNetworkMatchesHttp() {
        ClassifyResponse grpc = ClassificationServiceGrpc.newBlockingStub(network).withDeadlineAfter(30, TimeUnit.SECONDS)
                .classify(ClassifyRequest.newBuilder().setModel("qf-mobilenet-v2-int8").setImage(ByteString.copyFrom(jpeg)).setTopK(3)
                        .build());
        JsonNode http = new Http(httpPort).post("/v1/models/qf-mobilenet-v2-int8:classify?top_k=3", "image/jpeg", jpeg).json();
        assertThat(grpc.getModel()).isEqualTo("qf-mobilenet-v2-int8");
        assertThat(grpc.getVariant()).isEqualTo("qf");
        assertThat(grpc.getPrecision()).isEqualTo("int8");
        assertThat(grpc.getEngine()).isEqualTo("onnxruntime");
        assertThat(grpc.getPredictionsCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(grpc.getPredictions(i).getIndex()).isEqualTo(http.get("predictions").get(i).get("index").asInt());
            assertThat(grpc.getPredictions(i).getScore()).isEqualTo(http.get("predictions").get(i).get("score").floatValue());
        }
        assertThat(grpc.getTiming().getTotalMs()).isPositive();
    }

    @Test
    void modelInferOverGrpcReturnsTheTensorsOfTheRestBinding() {
        float[] image;
        try (DirectEngine engine = new DirectEngine("qf-mobilenet-v1")) {
            image = engine.preprocess(jpeg);
        }
        JsonNode rest = new Http(httpPort).post("/v2/models/qf-mobilenet-v1/infer", "application/json",
                HttpApiTests.oipJson(new long[] {1, 128, 128, 3}, image)).json();
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(network);
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("image").setDatatype("FP32").addAllShape(List.of(1L, 128L, 128L, 3L));
        ModelInferResponse raw = stub.modelInfer(ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1").setId("raw")
                .addInputs(input).addRawInputContents(ByteString.copyFrom(HttpApiTests.littleEndian(image))).build());
        InferTensorContents.Builder typed = InferTensorContents.newBuilder();
        for (float v : image) {
            typed.addFp32Contents(v);
        }
        ModelInferResponse contents = stub.modelInfer(ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1")
                .addInputs(input.clone().setContents(typed)).build());

        assertThat(raw.getId()).isEqualTo("raw");
        for (ModelInferResponse response : List.of(raw, contents)) {
            assertThat(response.getModelVersion()).isEqualTo("1");
            for (int o = 0; o < response.getOutputsCount(); o++) {
                String name = response.getOutputs(o).getName();
                assertThat(response.getOutputs(o).getShapeList()).containsExactly(1L, 10L);
                assertThat(floats(response.getRawOutputContents(o))).as(name + ": gRPC and REST tensors are identical")
                        .containsExactly(HttpApiTests.floats(HttpApiTests.output(rest, name).get("data")));
            }
            assertThat(response.getOutputsList()).extracting(ModelInferResponse.InferOutputTensor::getName).containsExactly("probs",
                    "logits");
        }

        ModelInferResponse top2 = stub.modelInfer(ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1")
                .addInputs(input).addRawInputContents(ByteString.copyFrom(HttpApiTests.littleEndian(image)))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probs")
                        .putParameters("classification", InferParameter.newBuilder().setInt64Param(2).build()))
                .build());
        assertThat(top2.getOutputs(0).getDatatype()).isEqualTo("BYTES");
        assertThat(top2.getOutputs(0).getShapeList()).containsExactly(1L, 2L);
        ByteBuffer bytes = top2.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] first = new byte[bytes.getInt()];
        bytes.get(first);
        int best = HttpApiTests.argmax(HttpApiTests.floats(HttpApiTests.output(rest, "probs").get("data")));
        assertThat(new String(first, StandardCharsets.UTF_8)).matches("[0-9.]+:" + best + ":.+");
    }

    @Test
    void badInputGetsTheRightStatusCodeAndTheServerKeepsServing() {
        var classify = ClassificationServiceGrpc.newBlockingStub(inProcess);
        byte[] large = new byte[20 * 1024 * 1024];
        System.arraycopy(jpeg, 0, large, 0, jpeg.length);
        assertCode(Status.Code.INVALID_ARGUMENT, () -> classify.classify(request("", ByteString.EMPTY)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> classify.classify(request("", ByteString.copyFromUtf8("not an image"))));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> classify.classify(request("",
                ByteString.copyFrom(TestImages.truncated(TestImages.jpeg(TestImages.scene(640, 480, 5)), 0.5)))));
        assertCode(Status.Code.INVALID_ARGUMENT,
                () -> classify.classify(request("", ByteString.copyFrom(TestImages.pngClaiming(50_000, 50_000)))));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> classify.classify(request("", ByteString.copyFrom(large))));
        assertCode(Status.Code.INVALID_ARGUMENT,
                () -> classify.classify(request("", ByteString.copyFrom(jpeg)).toBuilder().setTopK(-1).build()));
        assertCode(Status.Code.NOT_FOUND, () -> classify.classify(request("no-such-model", ByteString.copyFrom(jpeg))));
        assertCode(Status.Code.NOT_FOUND,
                () -> classify.classify(request("qf-mobilenet-v2", ByteString.copyFrom(jpeg)).toBuilder().setVersion("42").build()));

        var oip = GRPCInferenceServiceGrpc.newBlockingStub(inProcess);
        ModelInferRequest.InferInputTensor wrongShape = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("image").setDatatype("FP32").addAllShape(List.of(1L, 64L, 64L, 3L)).build();
        assertCode(Status.Code.INVALID_ARGUMENT, () -> oip.modelInfer(ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v2")
                .addInputs(wrongShape).addRawInputContents(ByteString.copyFrom(new byte[64 * 64 * 3 * 4])).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> oip.modelInfer(ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v2")
                .addInputs(wrongShape.toBuilder().setDatatype("INT8")).build()));
        assertCode(Status.Code.NOT_FOUND, () -> oip.modelInfer(ModelInferRequest.newBuilder().setModelName("no-such-model")
                .addInputs(wrongShape).build()));
        assertCode(Status.Code.NOT_FOUND, () -> oip.modelMetadata(ModelMetadataRequest.newBuilder().setName("no-such-model").build()));

        assertThat(classify.classify(request("", ByteString.copyFrom(jpeg))).getPredictionsCount()).isEqualTo(5);
        assertThat(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    }

    @Test
    void aStreamAnswersInOrderAndABadImageFailsOnlyItself() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(i == 3 ? "broken".getBytes(StandardCharsets.UTF_8) : TestImages.jpeg(TestImages.scene(160, 120, 100 + i)));
        }
        List<ClassifyResponse> answers = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ClassifyRequest> requests = ClassificationServiceGrpc.newStub(network).classifyStream(observer(answers::add, done));
        for (byte[] image : images) {
            requests.onNext(request("qf-mobilenet-v2-int8", ByteString.copyFrom(image)).toBuilder().setTopK(1).build());
        }
        requests.onCompleted();
        done.get(60, TimeUnit.SECONDS);

        assertThat(answers).hasSize(6);
        assertThat(answers.get(3).getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(answers.get(3).getPredictionsCount()).isZero();
        try (DirectEngine engine = new DirectEngine("qf-mobilenet-v2-int8")) {
            for (int i = 0; i < 6; i++) {
                if (i != 3) {
                    assertThat(answers.get(i).hasError()).isFalse();
                    assertThat(answers.get(i).getPredictions(0).getIndex()).as("answer %d is image %d's", i, i)
                            .isEqualTo(HttpApiTests.argmax(engine.scores(images.get(i)).probabilities()[0]));
                }
            }
        }
    }

    @Test
    void theStandardHealthAndReflectionServicesAnswer() throws Exception {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(network).check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        List<ServerReflectionResponse> replies = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> ask =
                ServerReflectionGrpc.newStub(network).serverReflectionInfo(observer(replies::add, done));
        ask.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ask.onCompleted();
        done.get(10, TimeUnit.SECONDS);
        assertThat(replies.getFirst().getListServicesResponse().getServiceList())
                .extracting(s -> s.getName())
                .contains("qfserving.v1.ClassificationService", "inference.GRPCInferenceService", "grpc.health.v1.Health");
    }

    private static ClassifyRequest request(String model, ByteString image) {
        return ClassifyRequest.newBuilder().setModel(model).setImage(image).build();
    }

    private static void assertCode(Status.Code code, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).as(e.getStatus().getDescription()).isEqualTo(code));
    }

    private static float[] floats(ByteString raw) {
        float[] values = new float[raw.size() / 4];
        raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static <T> StreamObserver<T> observer(Consumer<T> onNext, CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                onNext.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }
}
