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
import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.proto.v1.FeedbackRequest;
import io.qfserving.proto.v1.FeedbackResponse;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The default {@code mobilenet-v2-ab} experiment over HTTP and gRPC: routing, feedback, shadow, admin changes and the report. */
@EmbeddedModelsTest
class ExperimentApiTests {

    static final Set<String> VARIANTS = Set.of("baseline-float", "baseline-int8", "qf-float", "qf-int8");

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    Http http;
    Http management;

    final byte[] jpeg = TestImages.jpeg(TestImages.scene(200, 150, 51));

    @BeforeEach
    void client() {
        http = new Http(port);
        management = new Http(managementPort);
    }

    private Http.Response classify(String... headers) {
        return http.post("/v1/models/mobilenet-v2-ab:classify", "image/jpeg", jpeg, headers);
    }

    @Test
    void stickyClientsKeepTheirVariantAndEveryVariantIsReached() {
        Map<String, String> variantOf = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int client = 0; client < 24; client++) {
                JsonNode body = classify("X-Client-Id", "client-" + client).json();
                String variant = body.get("experiment").get("variant").asString();
                assertThat(body.get("experiment").get("assignment").asString()).isEqualTo("sticky");
                assertThat(variantOf.putIfAbsent("client-" + client, variant)).as("client-%d's variant", client).isIn(null, variant);
            }
        }
        assertThat(new HashSet<>(variantOf.values())).isEqualTo(VARIANTS);
    }

    @Test
    void aPinnedVariantServesAndNamesItsModel() {
        JsonNode body = classify("X-Variant", "qf-int8").json();
        assertThat(body.get("experiment").get("variant").asString()).isEqualTo("qf-int8");
        assertThat(body.get("experiment").get("assignment").asString()).isEqualTo("override");
        assertThat(body.get("model").asString()).isEqualTo("qf-mobilenet-v2-int8");
        assertThat(body.get("precision").asString()).isEqualTo("int8");

        assertThat(classify("X-Variant", "no-such-variant").status()).isEqualTo(400);
        JsonNode direct = http.post("/v1/models/mobilenet-v2/versions/1:classify", "image/jpeg", jpeg).json();
        assertThat(direct.has("experiment")).as("a versioned call is served by the model itself").isFalse();
        assertThat(direct.get("model").asString()).isEqualTo("mobilenet-v2");
    }

    @Test
    void feedbackCountsOncePerImageAndUnknownRequestsAreNotFound() {
        JsonNode served = classify("X-Variant", "baseline-int8").json();
        String requestId = served.get("request_id").asString();
        String predicted = served.get("predictions").get(0).get("synset").asString();

        Http.Response right = http.post("/v1/feedback", "application/json",
                ("{\"request_id\":\"" + requestId + "\",\"label\":\"" + predicted + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.json().get("correct").asBoolean()).isTrue();
        assertThat(http.post("/v1/feedback", "application/json",
                ("{\"request_id\":\"" + requestId + "\",\"label\":\"" + predicted + "\"}").getBytes(StandardCharsets.UTF_8)).status())
                .as("the same image twice").isEqualTo(409);
        assertThat(http.post("/v1/feedback", "application/json",
                "{\"request_id\":\"never-served\",\"label\":\"n03888257\"}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
        String other = classify().json().get("request_id").asString();
        assertThat(http.post("/v1/feedback", "application/json",
                ("{\"request_id\":\"" + other + "\",\"label\":\"zebra\"}").getBytes(StandardCharsets.UTF_8)).status())
                .as("a label the model does not have").isEqualTo(400);

        String metrics = management.get("/actuator/prometheus").text();
        assertThat(metrics).containsPattern("qf_feedback_total\\{[^}]*experiment=\"mobilenet-v2-ab\",experiment_variant=\"baseline-int8\""
                + "[^}]*outcome=\"correct\"[^}]*} [1-9]");
    }

    @Test
    void grpcClassifyIsRoutedAndTakesFeedback() {
        ManagedChannel channel = InProcessChannelBuilder.forName(EmbeddedModelsTest.IN_PROCESS).build();
        try {
            var stub = ClassificationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            ClassifyResponse first = stub.classify(ClassifyRequest.newBuilder().setModel("mobilenet-v2-ab").setClientId("grpc-client")
                    .setImage(ByteString.copyFrom(jpeg)).build());
            assertThat(first.getExperiment()).isEqualTo("mobilenet-v2-ab");
            assertThat(first.getExperimentVariant()).isIn(VARIANTS);
            for (int i = 0; i < 3; i++) {
                assertThat(stub.classify(ClassifyRequest.newBuilder().setModel("mobilenet-v2-ab").setClientId("grpc-client")
                        .setImage(ByteString.copyFrom(jpeg)).build()).getExperimentVariant()).isEqualTo(first.getExperimentVariant());
            }
            FeedbackResponse feedback = stub.feedback(FeedbackRequest.newBuilder().setRequestId(first.getRequestId())
                    .setLabel(first.getPredictions(0).getLabel()).build());
            assertThat(feedback.getCorrect()).isTrue();
            assertThat(feedback.getActualSynset()).isEqualTo(first.getPredictions(0).getSynset());
            assertThatThrownBy(() -> stub.feedback(FeedbackRequest.newBuilder().setRequestId("never-served").setLabel("0").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void shadowCopiesAreComparedWithThePrimaryAnswer() throws Exception {
        for (int i = 0; i < 4; i++) {
            classify("X-Variant", "qf-float");
        }
        // The shadow copies run after the answers came back: wait for their comparison to be exposed.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(management.get("/actuator/prometheus").text())
                .containsPattern("qf_shadow_comparisons_total\\{experiment=\"mobilenet-v2-ab\",outcome=\"(agree|disagree)\","
                        + "primary_model=\"qf-mobilenet-v2\",primary_version=\"1\",shadow_model=\"qf-mobilenet-v2-int8\",shadow_version=\"1\"}")
                .contains("transport=\"shadow\""));
    }

    @Test
    void adminChangesNeedTheTokenAndABadChangeKeepsTheOldExperiment() {
        String canary = """
                {"variants": [{"name": "stable", "model": "qf-mobilenet-v1", "weight": 90},
                              {"name": "canary", "model": "qf-mobilenet-v1-int8", "weight": 10}],
                 "allow_override": true}""";
        byte[] body = canary.getBytes(StandardCharsets.UTF_8);
        Http.Response anonymous = http.put("/admin/experiments/canary-test", body);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(http.put("/admin/experiments/canary-test", body, "Authorization", "Bearer wrong").status()).isEqualTo(403);
        assertThat(http.put("/admin/experiments/canary-test", body, "Authorization", "Bearer " + EmbeddedModelsTest.ADMIN_TOKEN).status())
                .isEqualTo(200);
        assertThat(http.post("/v1/models/canary-test:classify", "image/jpeg", jpeg, "X-Variant", "canary").json().get("model").asString())
                .isEqualTo("qf-mobilenet-v1-int8");

        Http.Response refused = http.put("/admin/experiments/canary-test", """
                {"variants": [{"name": "stable", "model": "qf-mobilenet-v1", "weight": -1},
                              {"name": "ghost", "model": "no-such-model", "weight": 10}]}""".getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + EmbeddedModelsTest.ADMIN_TOKEN);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asString()).contains("no-such-model").contains("keeps routing");
        assertThat(http.get("/v1/experiments/canary-test").json().get("variants").get(1).get("name").asString())
                .as("the old experiment is still in force").isEqualTo("canary");
        assertThat(http.post("/v1/models/canary-test:classify", "image/jpeg", jpeg, "X-Variant", "canary").status()).isEqualTo(200);
    }

    @Test
    void anExperimentMayNotTakeTheNameOfAServedModelWhichKeepsAnsweringItself() {
        Http.Response refused = http.put("/admin/experiments/qf-mobilenet-v2-int8", """
                {"variants": [{"name": "stable", "model": "qf-mobilenet-v1", "weight": 1}]}""".getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + EmbeddedModelsTest.ADMIN_TOKEN);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asString()).contains("experiment 'qf-mobilenet-v2-int8' has the name of a served model");
        assertThat(http.get("/v1/experiments/qf-mobilenet-v2-int8").status()).isEqualTo(404);
        JsonNode served = http.post("/v1/models/qf-mobilenet-v2-int8:classify", "image/jpeg", jpeg).json();
        assertThat(served.has("experiment")).isFalse();
        assertThat(served.get("model").asString()).isEqualTo("qf-mobilenet-v2-int8");
        JsonNode baseline = http.post("/v1/models/mobilenet-v2:classify", "image/jpeg", jpeg).json();
        assertThat(baseline.has("experiment")).as("the default experiment does not hide its float baseline").isFalse();
        assertThat(baseline.get("model").asString()).isEqualTo("mobilenet-v2");
    }

    @Test
    void aResetPutsTheConfiguredExperimentBackAsANewRevision() {
        String admin = "Bearer " + EmbeddedModelsTest.ADMIN_TOKEN;
        JsonNode configured = http.get("/v1/experiments/mobilenet-v2-ab").json();
        long revision = http.get("/v1/experiments/mobilenet-v2-ab/report").json().get("revision").asLong();
        assertThat(http.put("/admin/experiments/mobilenet-v2-ab", """
                {"variants": [{"name": "qf-int8", "model": "qf-mobilenet-v2-int8", "weight": 1}]}""".getBytes(StandardCharsets.UTF_8),
                "Authorization", admin).status()).isEqualTo(200);
        assertThat(http.get("/v1/experiments/mobilenet-v2-ab").json()).isNotEqualTo(configured);

        assertThat(http.post("/admin/experiments/mobilenet-v2-ab/reset", null, new byte[0]).status()).isEqualTo(401);
        Http.Response reset = http.post("/admin/experiments/mobilenet-v2-ab/reset", null, new byte[0], "Authorization", admin);

        assertThat(reset.status()).as(reset.text()).isEqualTo(200);
        assertThat(http.get("/v1/experiments/mobilenet-v2-ab").json()).isEqualTo(configured);
        assertThat(http.get("/v1/experiments/mobilenet-v2-ab/report").json().get("revision").asLong()).isEqualTo(revision + 2);
        assertThat(http.post("/admin/experiments/canary-never-configured/reset", null, new byte[0], "Authorization", admin).status())
                .isEqualTo(404);
    }

    @Test
    void theReportComparesVariantsAndSaysWhatItFound() {
        for (int i = 0; i < 8; i++) {
            classify("X-Client-Id", "report-" + i);
        }
        JsonNode report = http.get("/v1/experiments/mobilenet-v2-ab/report").json();
        assertThat(report.get("control").asString()).isEqualTo("baseline-float");
        Set<String> reported = new HashSet<>();
        report.get("variants").forEach(v -> reported.add(v.get("variant").asString()));
        assertThat(reported).isEqualTo(VARIANTS);
        long requests = 0;
        for (JsonNode v : report.get("variants")) {
            requests += v.get("requests").asLong();
        }
        assertThat(requests).isGreaterThanOrEqualTo(8);
        assertThat(report.get("decisions").valueStream().map(d -> d.get("candidate").asString() + " vs " + d.get("control").asString()))
                .containsExactly("qf-int8 vs qf-float", "qf-int8 vs baseline-float");
        assertThat(report.get("decisions").get(0).get("state").asString()).isIn("replace", "continue", "keep");
        assertThat(report.get("verdict").asString()).contains("qf-int8", "qf-float", "baseline-float");
        // The gauges are recomputed every resync interval (5 s), and a test sharing this context may
        // have changed the experiment just before (aResetPutsTheConfiguredExperimentBackAsANewRevision):
        // its pairs reappear at the next recomputation.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(management.get("/actuator/prometheus").text())
                .contains("qf_experiment_decision{candidate=\"qf-int8\",control=\"qf-float\",experiment=\"mobilenet-v2-ab\"}")
                .contains("qf_experiment_accuracy_difference_lower_bound{candidate=\"qf-int8\",control=\"baseline-float\"")
                .contains("qf_experiment_observations{candidate=\"qf-int8\""));
        assertThat(http.get("/v1/experiments/no-such-experiment/report").status()).isEqualTo(404);
    }
}
