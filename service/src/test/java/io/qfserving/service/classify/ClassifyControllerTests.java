package io.qfserving.service.classify;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.testing.SmallLimits;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The HTTP edge alone: request parsing and the problem details errors become. */
@WebMvcTest(ClassifyController.class)
class ClassifyControllerTests {

    static final byte[] IMAGE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ClassifyService classify;

    @MockitoBean
    InferenceService inference;

    @BeforeEach
    void limits() {
        SmallLimits.stub(inference);
    }

    @Test
    void anOverloadedModelAnswers429WithRetryAfter() throws Exception {
        given(classify.classify(argThat(call -> call.model().equals("m") && call.version() == null && call.topK() == 3
                && call.deadline().equals(SmallLimits.DEADLINE) && call.transport() == Transport.HTTP)))
                .willThrow(new ServingException(ErrorKind.OVERLOADED, "the model's queue is full"));
        mvc.perform(post("/v1/models/m:classify?top_k=3").contentType(MediaType.IMAGE_JPEG).content(IMAGE))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:overloaded"))
                .andExpect(jsonPath("$.detail").value("the model's queue is full"))
                .andExpect(jsonPath("$.error").value("the model's queue is full"));
    }

    @Test
    void theTimeoutHeaderBecomesTheRequestDeadline() throws Exception {
        given(classify.classify(any()))
                .willThrow(new ServingException(ErrorKind.DEADLINE_EXCEEDED, "too late"));
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_PNG).content(IMAGE).header("X-Request-Timeout-Ms", "250"))
                .andExpect(status().isGatewayTimeout());
        verify(inference).deadline(Duration.ofMillis(250));
    }

    @Test
    void experimentHeadersReachTheClassifyCall() throws Exception {
        given(classify.classify(argThat(call -> "client-7".equals(call.clientKey()) && "qf-int8".equals(call.pinnedVariant()))))
                .willThrow(ServingException.badRequest("pinned"));
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(IMAGE)
                .header("X-Client-Id", "client-7").header("X-Variant", "qf-int8"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("pinned"));
    }

    @Test
    void aBodyOverTheImageLimitIsRefusedBeforeClassifying() throws Exception {
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[2048]))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.detail").value("the request body is 2048 bytes; the limit is 1024 bytes"));
    }

    @Test
    void aMultipartUploadWithoutFilePartsIsABadRequest() throws Exception {
        mvc.perform(multipart("/v1/classify").param("top_k", "2"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400));
    }

    @Test
    void anUnexpectedFailureIsAnInternalErrorWithoutDetailsOfTheCause() throws Exception {
        given(classify.classify(any())).willThrow(new IllegalStateException("boom"));
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(IMAGE))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:internal"))
                .andExpect(jsonPath("$.detail").value("internal server error"));
    }
}
