package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.service.testing.DirectEngine;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.TestImages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Our HTTP API and the Open Inference Protocol's REST binding, called as the README's curl examples call them. */
@EmbeddedModelsTest
class HttpApiTests {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    Http http;
    Http management;

    final byte[] jpeg = TestImages.jpeg(TestImages.scene(320, 240, 11));
    final byte[] png = TestImages.png(TestImages.scene(200, 260, 12));

    @BeforeEach
    void client() {
        http = new Http(port);
        management = new Http(managementPort);
    }

    @Test
    void classifyingAJpegAndAPngGivesTheScoresOfTheEngineCalledDirectly() {
        for (String model : List.of("qf-mobilenet-v2", "qf-mobilenet-v2-int8")) {
            try (DirectEngine engine = new DirectEngine(model)) {
                for (var image : Map.of("image/jpeg", jpeg, "image/png", png).entrySet()) {
                    Http.Response response = http.post("/v1/models/" + model + ":classify?top_k=10", image.getKey(), image.getValue());
                    assertThat(response.status()).isEqualTo(200);
                    JsonNode body = response.json();
                    assertThat(body.get("model").asString()).isEqualTo(model);
                    assertThat(body.get("version").asString()).isEqualTo("1");
                    assertThat(body.get("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
                    float[] expected = engine.scores(image.getValue()).probabilities()[0];
                    JsonNode predictions = body.get("predictions");
                    assertThat(predictions).hasSize(10);
                    assertThat(predictions.get(0).get("index").asInt()).isEqualTo(argmax(expected));
                    for (JsonNode p : predictions) {
                        int index = p.get("index").asInt();
                        assertThat(p.get("score").floatValue()).as("%s %s class %d", model, image.getKey(), index)
                                .isCloseTo(expected[index], within(1e-5f));
                        assertThat(p.get("synset").asString()).isEqualTo(engine.manifest().labels().get(index).synset());
                        assertThat(p.get("label").asString()).isEqualTo(engine.manifest().labels().get(index).name());
                    }
                    assertThat(body.get("timing_ms").get("total").asDouble()).isPositive();
                }
            }
        }
    }

    @Test
    void theDefaultModelAndAMultipartBatchClassifyEachFileInOrder() {
        Http.Response single = http.post("/v1/classify", "image/jpeg", jpeg);
        assertThat(single.status()).isEqualTo(200);
        assertThat(single.json().get("model").asString()).isEqualTo("qf-mobilenet-v1-int8");
        assertThat(single.json().get("precision").asString()).isEqualTo("int8");
        assertThat(single.json().get("predictions")).hasSize(5);

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a.png", png);
        files.put("b.jpg", jpeg);
        Http.Response batch = http.postFiles("/v1/models/mobilenet-v1/versions/1:classify?top_k=1", files);
        assertThat(batch.status()).isEqualTo(200);
        JsonNode results = batch.json().get("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("file").asString()).isEqualTo("a.png");
        assertThat(results.get(1).get("file").asString()).isEqualTo("b.jpg");
        try (DirectEngine engine = new DirectEngine("mobilenet-v1")) {
            assertThat(results.get(0).get("predictions").get(0).get("index").asInt())
                    .isEqualTo(argmax(engine.scores(png).probabilities()[0]));
            assertThat(results.get(1).get("predictions").get(0).get("index").asInt())
                    .isEqualTo(argmax(engine.scores(jpeg).probabilities()[0]));
        }
    }

    @Test
    void badInputGetsAProblemDetailAndNeverTakesTheServerDown() {
        byte[] large = new byte[20 * 1024 * 1024];
        System.arraycopy(jpeg, 0, large, 0, jpeg.length);
        Map<String, Http.Response> bad = new LinkedHashMap<>();
        bad.put("empty body", http.post("/v1/classify", "image/jpeg", new byte[0]));
        bad.put("truncated JPEG",
                http.post("/v1/classify", "image/jpeg", TestImages.truncated(TestImages.jpeg(TestImages.scene(640, 480, 3)), 0.5)));
        bad.put("text as an image", http.post("/v1/classify", "image/jpeg", "hello, I am not a picture".getBytes(StandardCharsets.UTF_8)));
        bad.put("text/plain body", http.post("/v1/classify", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)));
        bad.put("PNG claiming 50000x50000", http.post("/v1/classify", "image/png", TestImages.pngClaiming(50_000, 50_000)));
        bad.put("20 MB body", http.post("/v1/classify", "image/jpeg", large));
        bad.put("multipart file over the image limit", http.postFiles("/v1/classify", Map.of("large.jpg", large)));
        bad.put("multipart without its closing boundary", http.post("/v1/classify", "multipart/form-data; boundary=qf",
                concat("--qf\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII),
                        jpeg)));
        bad.put("multipart without a boundary", http.post("/v1/classify", "multipart/form-data", jpeg));
        bad.put("unknown model", http.post("/v1/models/no-such-model:classify", "image/jpeg", jpeg));
        bad.put("unknown version", http.post("/v1/models/qf-mobilenet-v2/versions/42:classify", "image/jpeg", jpeg));
        bad.put("top_k of zero", http.post("/v1/classify?top_k=0", "image/jpeg", jpeg));
        bad.put("top_k not a number", http.post("/v1/classify?top_k=many", "image/jpeg", jpeg));
        bad.put("bad timeout header", http.post("/v1/classify", "image/jpeg", jpeg, "X-Request-Timeout-Ms", "soon"));
        bad.put("OIP wrong tensor shape", http.post("/v2/models/qf-mobilenet-v2/infer", "application/json",
                oipJson(new long[] {1, 64, 64, 3}, new float[64 * 64 * 3])));
        bad.put("OIP data shorter than shape", http.post("/v2/models/qf-mobilenet-v2/infer", "application/json",
                oipJson(new long[] {1, 128, 128, 3}, new float[10])));
        bad.put("OIP unknown output", http.post("/v2/models/qf-mobilenet-v2/infer", "application/json",
                ("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,1,3],\"datatype\":\"FP32\",\"data\":[0,0,0]}],"
                        + "\"outputs\":[{\"name\":\"features\"}]}").getBytes(StandardCharsets.UTF_8)));
        bad.put("OIP not JSON",
                http.post("/v2/models/qf-mobilenet-v2/infer", "application/json", "{inputs:".getBytes(StandardCharsets.UTF_8)));
        bad.put("OIP unknown model", http.post("/v2/models/no-such-model/infer", "application/json",
                oipJson(new long[] {1, 128, 128, 3}, new float[128 * 128 * 3])));

        Map<String, Integer> expected = Map.ofEntries(Map.entry("empty body", 400), Map.entry("truncated JPEG", 400),
                Map.entry("text as an image", 415), Map.entry("text/plain body", 415), Map.entry("PNG claiming 50000x50000", 413),
                Map.entry("20 MB body", 413), Map.entry("multipart file over the image limit", 413),
                Map.entry("multipart without its closing boundary", 400), Map.entry("multipart without a boundary", 400),
                Map.entry("unknown model", 404), Map.entry("unknown version", 404),
                Map.entry("top_k of zero", 400), Map.entry("top_k not a number", 400), Map.entry("bad timeout header", 400),
                Map.entry("OIP wrong tensor shape", 400), Map.entry("OIP data shorter than shape", 400),
                Map.entry("OIP unknown output", 400), Map.entry("OIP not JSON", 400), Map.entry("OIP unknown model", 404));
        bad.forEach((what, response) -> {
            assertThat(response.status()).as(what).isEqualTo(expected.get(what));
            if (what.startsWith("OIP")) {
                // The protocol's own error body, exactly: {"error": "..."}.
                assertThat(response.header("Content-Type")).as(what).startsWith("application/json");
                assertThat(OipBadInputTests.strictError(response)).as(what).isNotBlank();
                return;
            }
            assertThat(response.header("Content-Type")).as(what).startsWith("application/problem+json");
            JsonNode problem = response.json();
            assertThat(problem.get("status").asInt()).as(what).isEqualTo(expected.get(what));
            assertThat(problem.get("detail").asString()).as(what).isNotBlank();
            assertThat(problem.get("error").asString()).as(what).isEqualTo(problem.get("detail").asString());
        });
        assertThat(http.post("/v1/classify", "image/jpeg", jpeg).status()).as("the next good request").isEqualTo(200);
        assertThat(management.get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void openInferenceProtocolRestAnswersJsonBinaryAndClassificationRequestsAlike() {
        float[] image;
        try (DirectEngine engine = new DirectEngine("qf-mobilenet-v2")) {
            image = engine.preprocess(jpeg);
        }
        long[] shape = {1, 128, 128, 3};
        JsonNode json = http.post("/v2/models/qf-mobilenet-v2/infer", "application/json", oipJson(shape, image)).json();
        assertThat(json.get("model_name").asString()).isEqualTo("qf-mobilenet-v2");
        assertThat(json.get("model_version").asString()).isEqualTo("1");
        float[] probs = floats(output(json, "probs").get("data"));
        float[] logits = floats(output(json, "logits").get("data"));
        assertThat(probs).hasSize(10);

        byte[] header = ("{\"id\":\"b1\",\"inputs\":[{\"name\":\"image\",\"shape\":[1,128,128,3],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":" + image.length * 4 + "}}],"
                + "\"outputs\":[{\"name\":\"probs\",\"parameters\":{\"binary_data\":true}},"
                + "{\"name\":\"logits\",\"parameters\":{\"classification\":3}}]}").getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(header.length + image.length * 4).order(ByteOrder.LITTLE_ENDIAN).put(header)
                .put(littleEndian(image)).array();
        Http.Response binary = http.post("/v2/models/qf-mobilenet-v2/versions/1/infer", "application/octet-stream", body,
                "Inference-Header-Content-Length", Integer.toString(header.length));
        assertThat(binary.status()).isEqualTo(200);
        int jsonLength = Integer.parseInt(binary.header("Inference-Header-Content-Length"));
        JsonNode binaryHeader = Http.JSON.readTree(new String(binary.body(), 0, jsonLength, StandardCharsets.UTF_8));
        assertThat(binaryHeader.get("id").asString()).isEqualTo("b1");
        assertThat(output(binaryHeader, "probs").get("parameters").get("binary_data_size").asInt()).isEqualTo(40);
        float[] binaryProbs = new float[10];
        ByteBuffer.wrap(binary.body(), jsonLength, 40).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(binaryProbs);
        assertThat(binaryProbs).as("binary and JSON tensors are identical").containsExactly(probs);

        JsonNode top3 = output(binaryHeader, "logits");
        assertThat(top3.get("datatype").asString()).isEqualTo("BYTES");
        assertThat(top3.get("shape").toString()).isEqualTo("[1,3]");
        String[] first = top3.get("data").get(0).asString().split(":");
        assertThat(Integer.parseInt(first[1])).isEqualTo(argmax(logits));
        assertThat(Float.parseFloat(first[0])).isCloseTo(logits[argmax(logits)], within(1e-5f));
    }

    @Test
    void metadataHealthAndDocumentationAnswer() {
        JsonNode models = http.get("/v1/models").json().get("models");
        List<String> names = new ArrayList<>();
        models.forEach(m -> names.add(m.get("name").asString()));
        assertThat(names).contains("mobilenet-v1", "qf-mobilenet-v1-int8", "qf-mobilenet-v2", "mobilenet-v2-int8",
                "qf-mobilenet-v3-small-int8").hasSize(12);
        JsonNode qf = http.get("/v1/models/qf-mobilenet-v2-int8").json().get("versions").get(0);
        assertThat(qf.get("state").asString()).isEqualTo("ready");
        assertThat(qf.get("variant").asString()).isEqualTo("qf");
        assertThat(qf.get("precision").asString()).isEqualTo("int8");
        assertThat(qf.get("engine").asString()).isEqualTo("onnxruntime");
        assertThat(qf.get("macs_per_image").asLong()).isPositive();
        assertThat(qf.get("labels")).hasSize(10);
        assertThat(qf.get("accuracy").get("top1").asDouble()).isGreaterThan(50);
        assertThat(http.get("/v1/models/no-such-model").status()).isEqualTo(404);

        assertThat(http.get("/v2").json().get("extensions").toString()).contains("classification", "binary_tensor_data");
        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
        assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(http.get("/v2/models/mobilenet-v1/ready").status()).isEqualTo(200);
        assertThat(http.get("/v2/models/mobilenet-v1/versions/9/ready").status()).isEqualTo(400);
        JsonNode metadata = http.get("/v2/models/mobilenet-v1").json();
        assertThat(metadata.get("platform").asString()).isEqualTo("tensorflow_savedmodel");
        assertThat(metadata.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,128,128,3]");

        assertThat(management.get("/actuator/health/readiness").json().get("status").asString()).isEqualTo("UP");
        assertThat(http.get("/actuator/health").status()).as("no actuator on the public port").isEqualTo(404);
        Http.Response errorPage = http.get("/error");
        assertThat(errorPage.status()).as("the error page itself is not a resource").isEqualTo(404);
        assertThat(errorPage.json().get("detail").asString()).isEqualTo("no such resource");
        assertThat(http.get("/v3/api-docs").json().get("paths").propertyNames())
                .contains("/v1/classify", "/v1/models/{model}:classify", "/v2/models/{model}/infer", "/v1/models");
        assertThat(http.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    @Test
    void servedRequestsShowInPrometheusMetrics() {
        assertThat(http.post("/v1/models/qf-mobilenet-v1:classify", "image/png", png).status()).isEqualTo(200);
        String metrics = management.get("/actuator/prometheus").text();
        assertThat(metrics).containsPattern("qf_requests_total\\{engine=\"tensorflow\",experiment=\"\",experiment_variant=\"\","
                + "model=\"qf-mobilenet-v1\",outcome=\"success\",precision=\"float32\",transport=\"http\",variant=\"qf\",version=\"1\"} [1-9]");
        assertThat(metrics).contains("qf_request_duration_seconds_bucket{").contains("stage=\"preprocess\"");
        assertThat(metrics).contains("qf_batch_size_bucket{").contains("qf_model_macs_per_image{").contains("qf_queue_depth{");
    }

    static byte[] oipJson(long[] shape, float[] data) {
        StringBuilder json = new StringBuilder("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":")
                .append(java.util.Arrays.toString(shape)).append(",\"data\":[");
        for (int i = 0; i < data.length; i++) {
            json.append(i == 0 ? "" : ",").append(data[i]);
        }
        return json.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode output(JsonNode response, String name) {
        for (JsonNode output : response.get("outputs")) {
            if (output.get("name").asString().equals(name)) {
                return output;
            }
        }
        throw new AssertionError("no output " + name + " in " + response);
    }

    static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return raw.array();
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
