package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.qfserving.proto.inference.GRPCInferenceServiceGrpc;
import io.qfserving.proto.inference.InferParameter;
import io.qfserving.proto.inference.InferTensorContents;
import io.qfserving.proto.inference.ModelInferRequest;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed Open Inference Protocol requests, over REST (more than 200 of them, built from one valid
 * request by breaking one rule at a time) and gRPC: each gets a 4xx / INVALID_ARGUMENT with the
 * protocol's error body, never a server error, and the next good request still succeeds.
 */
@EmbeddedModelsTest
class OipBadInputTests {

    /** Triton's client reads errors into {@code {"error": string}} and fails on any other field; so does this. */
    record TritonError(String error) {}

    private static final JsonMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final String INFER = "/v2/models/qf-mobilenet-v1/infer";
    private static final String GOOD_INPUT = "{\"name\":\"image\",\"shape\":[1,1,1,3],\"datatype\":\"FP32\",\"data\":[0.5,0.25,1]}";

    @LocalServerPort
    int port;

    Http http;
    ManagedChannel channel;

    @BeforeEach
    void connect() {
        http = new Http(port);
        channel = InProcessChannelBuilder.forName(EmbeddedModelsTest.IN_PROCESS).directExecutor().build();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    /** The body's error message, read as strictly as Triton's client reads it. */
    static String strictError(Http.Response response) {
        return STRICT.readValue(response.body(), TritonError.class).error();
    }

    @Test
    void everyMalformedRestRequestIsRefusedWithTheProtocolsErrorBody() {
        Map<String, String> cases = malformedRequests();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        List<String> wrong = new ArrayList<>();
        cases.forEach((what, body) -> {
            Http.Response response = http.post(INFER, "application/json", body.getBytes(StandardCharsets.UTF_8));
            if (response.status() < 400 || response.status() >= 500) {
                wrong.add(what + " -> " + response.status() + " " + response.text());
            } else {
                assertThat(strictError(response)).as(what).isNotBlank();
            }
        });
        assertThat(wrong).as("requests not refused with a 4xx").isEmpty();
        assertThat(
                http.post(INFER, "application/json", HttpApiTests.oipJson(new long[] {1, 128, 128, 3}, new float[128 * 128 * 3])).status())
                .as("the next good request").isEqualTo(200);
    }

    @Test
    void theSevenRequestsThatOnceAnswered500AreRefusedWithTheirReason() {
        Map<String, String> seven = new LinkedHashMap<>();
        seven.put("null in the shape", "{\"inputs\":[{\"name\":\"image\",\"shape\":[null,128,128,3],\"datatype\":\"FP32\",\"data\":[1]}]}");
        seven.put("1e39", request(GOOD_INPUT.replace("0.25", "1e39")));
        seven.put("-1e39", request(GOOD_INPUT.replace("0.25", "-1e39")));
        seven.put("1e400", request(GOOD_INPUT.replace("0.25", "1e400")));
        seven.put("a null input", "{\"inputs\":[null]}");
        seven.put("an empty output", withOutputs("[{}]"));
        seven.put("an output named null", withOutputs("[{\"name\":null}]"));
        seven.forEach((what, body) -> {
            Http.Response response = http.post(INFER, "application/json", body.getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as(what).isEqualTo(400);
            assertThat(strictError(response)).as(what).containsAnyOf("shape", "finite", "inputs[0]", "outputs[0]");
        });
    }

    @Test
    void malformedGrpcInferRequestsAreInvalidArgument() {
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        ModelInferRequest.InferInputTensor.Builder image = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("image").setDatatype("FP32").addAllShape(List.of(1L, 128L, 128L, 3L));
        float[] pixels = new float[128 * 128 * 3];
        Map<String, ModelInferRequest> bad = new LinkedHashMap<>();
        for (float special : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            pixels[7] = special;
            bad.put("raw " + special, ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1").addInputs(image)
                    .addRawInputContents(ByteString.copyFrom(HttpApiTests.littleEndian(pixels))).build());
            InferTensorContents.Builder typed = InferTensorContents.newBuilder();
            for (float v : pixels) {
                typed.addFp32Contents(v);
            }
            bad.put("typed " + special, ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1")
                    .addInputs(image.clone().setContents(typed)).build());
        }
        bad.put("negative dimension", ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1")
                .addInputs(image.clone().clearShape().addAllShape(List.of(1L, -128L, 128L, 3L))).build());
        bad.put("no input", ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1").build());
        bad.put("classification out of range", ModelInferRequest.newBuilder().setModelName("qf-mobilenet-v1").addInputs(image)
                .addRawInputContents(ByteString.copyFrom(HttpApiTests.littleEndian(new float[128 * 128 * 3])))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probs")
                        .putParameters("classification", InferParameter.newBuilder().setInt64Param(10_000_000_000L).build()))
                .build());
        bad.forEach((what, request) -> assertThatThrownBy(() -> stub.modelInfer(request)).as(what)
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT)));
    }

    /** One valid request broken one rule at a time: keys say what was broken. */
    private static Map<String, String> malformedRequests() {
        Map<String, String> cases = new LinkedHashMap<>();
        String[] notAnObject = {"null", "1", "1.5", "\"x\"", "true", "[]", "[1]"};
        for (String root : notAnObject) {
            cases.put("root " + root, root);
        }
        cases.put("root empty", "");
        cases.put("root not JSON", "{inputs:");
        cases.put("root truncated", request(GOOD_INPUT).substring(0, 30));
        for (String v : new String[] {"null", "1", "\"x\"", "{}", "[]", "[null]", "[1]", "[\"x\"]", "[[]]", "[true]"}) {
            cases.put("inputs " + v, "{\"inputs\":" + v + "}");
        }
        cases.put("no inputs", "{}");
        for (String v : new String[] {"1", "{}", "[]", "true"}) {
            cases.put("id " + v, "{\"id\":" + v + ",\"inputs\":[" + GOOD_INPUT + "]}");
        }
        for (String v : new String[] {"1", "\"x\"", "[]", "true"}) {
            cases.put("request parameters " + v, "{\"parameters\":" + v + ",\"inputs\":[" + GOOD_INPUT + "]}");
        }
        for (String v : new String[] {"1", "\"yes\"", "null", "{}", "[]"}) {
            if (!v.equals("null")) {
                cases.put("binary_data_output " + v, "{\"parameters\":{\"binary_data_output\":" + v + "},\"inputs\":[" + GOOD_INPUT + "]}");
            }
        }
        String[] badDimensions = {"null", "1.5", "\"1\"", "true", "-1", "0", "[]", "{}", "1e400", "9223372036854775808", "2.0e0"};
        for (int position = 0; position < 4; position++) {
            for (String dimension : badDimensions) {
                String[] shape = {"1", "1", "1", "3"};
                shape[position] = dimension;
                cases.put("shape[" + position + "] " + dimension,
                        request(GOOD_INPUT.replace("[1,1,1,3]", "[" + String.join(",", shape) + "]")));
            }
        }
        for (String dimension : badDimensions) {
            cases.put("model shape[0] " + dimension, request(GOOD_INPUT.replace("[1,1,1,3]", "[" + dimension + ",128,128,3]")));
        }
        for (String shape : new String[] {"null", "[]", "1", "\"1,1,1,3\"", "{}", "[[1,1,1,3]]"}) {
            cases.put("shape " + shape, request(GOOD_INPUT.replace("[1,1,1,3]", shape)));
        }
        String[] badValues = {"1e39", "-1e39", "1e400", "-1e400", "null", "\"1\"", "true", "{}", "[]", "[1]", "\"NaN\""};
        for (int position = 0; position < 3; position++) {
            for (String value : badValues) {
                String[] data = {"0.5", "0.25", "1"};
                data[position] = value;
                cases.put("data[" + position + "] " + value,
                        request(GOOD_INPUT.replace("[0.5,0.25,1]", "[" + String.join(",", data) + "]")));
            }
        }
        for (String data : new String[] {"null", "1", "\"x\"", "{}", "[]", "[0.5,0.25]", "[0.5,0.25,1,0]", "[[0.5,0.25,1]]",
                "[[[[0.5,0.25]]]]", "[[[[0.5,0.25,1,1]]]]", "[[[0.5,0.25,1]]]", "[[[[0.5],[0.25],[1]]]]", "[[[[0.5,0.25,1]],[[1,1,1]]]]",
                "[0.5,[0.25],1]", "[[0.5,0.25,1],0.5]", "NaN", "[NaN,0,0]", "[Infinity,0,0]", "[0x10,0,0]", "[.5,0,0]"}) {
            cases.put("data " + data, request(GOOD_INPUT.replace("[0.5,0.25,1]", data)));
        }
        for (String name : new String[] {"null", "1", "\"\"", "\"  \"", "[]", "{}"}) {
            cases.put("input name " + name, request(GOOD_INPUT.replace("\"image\"", name)));
        }
        cases.put("input name missing", request(GOOD_INPUT.replace("\"name\":\"image\",", "")));
        for (String datatype : new String[] {"null", "1", "\"\"", "\"INT8\"", "\"fp32\"", "\"BYTES\"", "[]"}) {
            cases.put("datatype " + datatype, request(GOOD_INPUT.replace("\"FP32\"", datatype)));
        }
        for (String parameters : new String[] {"1", "\"x\"", "[]", "true"}) {
            cases.put("input parameters " + parameters, request(GOOD_INPUT.replace("}", ",\"parameters\":" + parameters + "}")));
        }
        for (String size : new String[] {"-1", "1.5", "\"12\"", "1e10", "true", "12", "13", "99999999999"}) {
            cases.put("binary_data_size " + size, request(GOOD_INPUT.replace("}", ",\"parameters\":{\"binary_data_size\":" + size + "}}")));
        }
        for (String outputs : new String[] {"1", "\"probs\"", "{}", "[null]", "[1]", "[\"probs\"]", "[{}]", "[{\"name\":null}]",
                "[{\"name\":1}]", "[{\"name\":\"\"}]", "[{\"name\":\"features\"}]", "[{\"name\":\"probs\",\"parameters\":1}]",
                "[{\"name\":\"probs\",\"parameters\":[]}]", "[{\"name\":\"probs\"},null]"}) {
            cases.put("outputs " + outputs, withOutputs(outputs));
        }
        for (String k : new String[] {"1e10", "-1", "1.5", "\"3\"", "true", "2147483648", "{}", "[]"}) {
            for (String output : new String[] {"probs", "logits"}) {
                cases.put("classification " + k + " of " + output,
                        withOutputs("[{\"name\":\"" + output + "\",\"parameters\":{\"classification\":" + k + "}}]"));
            }
        }
        for (String binary : new String[] {"1", "\"yes\"", "{}"}) {
            cases.put("output binary_data " + binary,
                    withOutputs("[{\"name\":\"probs\",\"parameters\":{\"binary_data\":" + binary + "}}]"));
        }
        cases.put("two inputs", "{\"inputs\":[" + GOOD_INPUT + "," + GOOD_INPUT + "]}");
        cases.put("unknown input", request(GOOD_INPUT.replace("\"image\"", "\"pixels\"")));
        cases.put("model's shape, too little data", request(GOOD_INPUT.replace("[1,1,1,3]", "[1,128,128,3]")));
        return cases;
    }

    private static String request(String input) {
        return "{\"inputs\":[" + input + "]}";
    }

    private static String withOutputs(String outputs) {
        return "{\"inputs\":[" + GOOD_INPUT + "],\"outputs\":" + outputs + "}";
    }
}
