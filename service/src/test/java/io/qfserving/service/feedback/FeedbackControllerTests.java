package io.qfserving.service.feedback;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The HTTP edge alone: the snake_case body in, the verdict out, and the problem details errors become. */
@WebMvcTest(FeedbackController.class)
class FeedbackControllerTests {

    static final ModelManifest.Label CAR = new ModelManifest.Label(407, "n02701002", "ambulance");
    static final ModelManifest.Label FOUNTAIN = new ModelManifest.Label(562, "n03388043", "fountain");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    FeedbackService feedback;

    @Test
    void theVerdictBecomesTheResponse() throws Exception {
        given(feedback.record("req-1", "n03388043", 2))
                .willReturn(new FeedbackService.Verdict("req-1", 2, false, CAR, FOUNTAIN));
        mvc.perform(post("/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .content("{\"request_id\": \"req-1\", \"label\": \"n03388043\", \"image\": 2}"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_JSON_VALUE))
                .andExpect(jsonPath("$.request_id").value("req-1"))
                .andExpect(jsonPath("$.image").value(2))
                .andExpect(jsonPath("$.correct").value(false))
                .andExpect(jsonPath("$.predicted.name").value("ambulance"))
                .andExpect(jsonPath("$.predicted.index").value(407))
                .andExpect(jsonPath("$.actual.synset").value("n03388043"));
    }

    @Test
    void aBodyWithoutAnImageIsAboutTheFirstImage() throws Exception {
        given(feedback.record("req-2", "ambulance", 0))
                .willReturn(new FeedbackService.Verdict("req-2", 0, true, CAR, CAR));
        mvc.perform(post("/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .content("{\"request_id\": \"req-2\", \"label\": \"ambulance\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.image").value(0))
                .andExpect(jsonPath("$.correct").value(true));
        verify(feedback).record("req-2", "ambulance", 0);
    }

    @Test
    void feedbackGivenTwiceIsAConflictProblem() throws Exception {
        given(feedback.record("req-3", "fountain", 0))
                .willThrow(new ServingException(ErrorKind.CONFLICT, "image 0 of request req-3 already has feedback"));
        mvc.perform(post("/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .content("{\"request_id\": \"req-3\", \"label\": \"fountain\"}"))
                .andExpect(status().isConflict())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:conflict"))
                .andExpect(jsonPath("$.status").value(409))
                .andExpect(jsonPath("$.detail").value("image 0 of request req-3 already has feedback"));
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequestProblemThatNeverReachesTheService() throws Exception {
        mvc.perform(post("/v1/feedback").contentType(MediaType.APPLICATION_JSON).content("{\"request_id\": "))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.detail").value("Failed to read request"));
        verifyNoInteractions(feedback);
    }
}
