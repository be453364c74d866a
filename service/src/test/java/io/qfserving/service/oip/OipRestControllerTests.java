package io.qfserving.service.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.qfserving.service.errors.ServingException;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.repository.ServedModel;
import io.qfserving.service.testing.SmallLimits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP edge alone: paths, headers and tensors in, tensors out, and errors as the protocol's bare {"error"} body. */
@WebMvcTest(OipRestController.class)
class OipRestControllerTests {

    static final String INFER = """
            {"id": "req-9", "inputs": [{"name": "image", "datatype": "FP32", "shape": [1, 1, 1, 3], "data": [0.5, 1.5, 2.5]}]}""";

    @Autowired
    MockMvc mvc;

    @Autowired
    JsonMapper json;

    @MockitoBean
    OipService oip;

    @MockitoBean
    InferenceService inference;

    @BeforeEach
    void limits() {
        SmallLimits.stub(inference);
    }

    static ServedModel served(String name, String version) {
        ServedModel model = mock(ServedModel.class);
        given(model.name()).willReturn(name);
        given(model.version()).willReturn(version);
        return model;
    }

    @Test
    void readinessIsAskedForThePathsModelAndVersionAnd400MeansNotReady() throws Exception {
        given(oip.modelReady("m", null)).willReturn(true);
        given(oip.modelReady("m", "3")).willReturn(false);
        mvc.perform(get("/v2/models/m/ready"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ready").value(true));
        mvc.perform(get("/v2/models/m/versions/3/ready"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.ready").value(false));
    }

    @Test
    void aJsonRequestIsDecodedAndItsOutputsAnsweredAsJson() throws Exception {
        ServedModel m2 = served("m", "2");
        given(oip.infer(eq("m"), isNull(), argThat(request -> "req-9".equals(request.id())
                && Arrays.equals(request.inputs().getFirst().values(), new float[] {0.5f, 1.5f, 2.5f})),
                eq(SmallLimits.DEADLINE), eq(Transport.HTTP)))
                .willReturn(new OipService.Response(m2, "req-9", List.of(
                        new OipService.Output("probs", "FP32", new long[] {1, 2}, new float[] {0.25f, 0.75f}, null, false))));
        mvc.perform(post("/v2/models/m/infer").contentType(MediaType.APPLICATION_JSON).content(INFER)
                .header("X-Request-Timeout-Ms", "250"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_JSON_VALUE))
                .andExpect(header().doesNotExist(OipRestController.HEADER_LENGTH))
                .andExpect(jsonPath("$.model_name").value("m"))
                .andExpect(jsonPath("$.model_version").value("2"))
                .andExpect(jsonPath("$.id").value("req-9"))
                .andExpect(jsonPath("$.outputs[0].name").value("probs"))
                .andExpect(jsonPath("$.outputs[0].shape[1]").value(2))
                .andExpect(jsonPath("$.outputs[0].data[1]").value(0.75))
                .andExpect(jsonPath("$.outputs[0].parameters").doesNotExist());
        verify(inference).deadline(Duration.ofMillis(250));
    }

    @Test
    void binaryTensorsAreReadAfterTheDeclaredHeaderAndAnsweredAfterOne() throws Exception {
        byte[] header = """
                {"inputs": [{"name": "image", "datatype": "FP32", "shape": [1, 1, 1, 3], "parameters": {"binary_data_size": 12}}]}"""
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(header.length + 12).order(ByteOrder.LITTLE_ENDIAN)
                .put(header).putFloat(1f).putFloat(2f).putFloat(3f).array();
        ServedModel m7 = served("m", "7");
        given(oip.infer(eq("m"), eq("7"), argThat(request -> Arrays.equals(request.inputs().getFirst().values(), new float[] {1f, 2f, 3f})),
                eq(SmallLimits.DEADLINE), eq(Transport.HTTP)))
                .willReturn(new OipService.Response(m7, null, List.of(
                        new OipService.Output("logits", "FP32", new long[] {1, 2}, new float[] {-1f, 4f}, null, true))));

        MvcResult result = mvc.perform(post("/v2/models/m/versions/7/infer").contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(OipRestController.HEADER_LENGTH, header.length).content(body))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andReturn();

        byte[] answer = result.getResponse().getContentAsByteArray();
        int jsonLength = Integer.parseInt(result.getResponse().getHeader(OipRestController.HEADER_LENGTH));
        assertThat(answer).hasSize(jsonLength + 8);
        Map<String, Object> answerHeader = json.readValue(Arrays.copyOf(answer, jsonLength), new TypeReference<>() {});
        assertThat(answerHeader).containsEntry("model_version", "7").doesNotContainKey("id");
        assertThat(answerHeader.get("outputs")).isEqualTo(List.of(Map.of("name", "logits", "datatype", "FP32",
                "shape", List.of(1, 2), "parameters", Map.of("binary_data_size", 8))));
        ByteBuffer tensor = ByteBuffer.wrap(answer, jsonLength, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {tensor.getFloat(), tensor.getFloat()}).containsExactly(-1f, 4f);
    }

    @Test
    void aHeaderLengthBeyondTheBodyIsABadRequestInTheProtocolsErrorBody() throws Exception {
        MvcResult result = mvc.perform(post("/v2/models/m/infer").contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(OipRestController.HEADER_LENGTH, 999).content(INFER))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_JSON_VALUE))
                .andReturn();
        assertErrorBodyIsExactly(result, OipRestController.HEADER_LENGTH + " is 999 but the body has "
                + INFER.getBytes(StandardCharsets.UTF_8).length + " bytes");
        verifyNoInteractions(oip);
    }

    @Test
    void anUnknownModelIsA404WithOnlyAnError() throws Exception {
        given(oip.metadata("nope", null)).willThrow(ServingException.notFound("model 'nope' not found"));
        MvcResult result = mvc.perform(get("/v2/models/nope"))
                .andExpect(status().isNotFound())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_JSON_VALUE))
                .andExpect(jsonPath("$.type").doesNotExist())
                .andReturn();
        assertErrorBodyIsExactly(result, "model 'nope' not found");
    }

    @Test
    void anUnexpectedFailureIsA500WithOnlyAnErrorAndNoDetailsOfTheCause() throws Exception {
        given(oip.metadata("m", "1")).willThrow(new IllegalStateException("boom"));
        MvcResult result = mvc.perform(get("/v2/models/m/versions/1"))
                .andExpect(status().isInternalServerError())
                .andReturn();
        assertErrorBodyIsExactly(result, "internal server error");
    }

    private void assertErrorBodyIsExactly(MvcResult result, String error) {
        Map<String, Object> body = json.readValue(result.getResponse().getContentAsByteArray(), new TypeReference<>() {});
        assertThat(body).isEqualTo(Map.of("error", error));
    }
}
