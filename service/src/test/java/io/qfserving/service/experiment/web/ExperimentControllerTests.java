package io.qfserving.service.experiment.web;

import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.qfserving.service.experiment.CurrentVersions;
import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentReporter;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.StoredExperiment;
import io.qfserving.service.experiment.Variant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The HTTP edge alone: experiments read by name, admin changes guarded by the real bearer-token check
 * (token {@code s3cret}), the path naming what the body describes, and the problem details errors become.
 */
@WebMvcTest(controllers = ExperimentController.class, properties = "qf.admin.token=s3cret")
@Import(AdminAuthorization.class)
@EnableConfigurationProperties(AdminProperties.class)
class ExperimentControllerTests {

    static final String SPEC = """
            {"variants": [{"name": "float", "model": "mobilenet-v2", "weight": 75},
                          {"name": "int8", "model": "qf-mobilenet-v2-int8", "version": "3", "weight": 25}],
             "allow_override": true, "control": "float"}""";

    static final Experiment AB = new Experiment("ab", List.of(new Variant("float", "mobilenet-v2", null, 75),
            new Variant("int8", "qf-mobilenet-v2-int8", "3", 25)), null, true, "float");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ExperimentRegistry registry;

    @MockitoBean
    ExperimentStore store;

    @MockitoBean
    ExperimentSync sync;

    @MockitoBean
    ExperimentReporter reporter;

    @MockitoBean
    CurrentVersions versions;

    static MockHttpServletRequestBuilder replace(String name) {
        return put("/admin/experiments/" + name).contentType(MediaType.APPLICATION_JSON).content(SPEC);
    }

    @Test
    void anExperimentInForceIsAnsweredByName() throws Exception {
        given(registry.get("ab")).willReturn(Optional.of(new StoredExperiment(AB, 4, "")));
        mvc.perform(get("/v1/experiments/ab"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("ab"))
                .andExpect(jsonPath("$.variants[1].model").value("qf-mobilenet-v2-int8"))
                .andExpect(jsonPath("$.variants[1].weight").value(25.0))
                .andExpect(jsonPath("$.allow_override").value(true))
                .andExpect(jsonPath("$.control").value("float"));
    }

    @Test
    void anUnknownExperimentIsANotFoundProblem() throws Exception {
        given(registry.get("nope")).willReturn(Optional.empty());
        mvc.perform(get("/v1/experiments/nope/report"))
                .andExpect(status().isNotFound())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:not-found"))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.detail").value("no experiment named 'nope'"));
        verifyNoInteractions(store, reporter);
    }

    @Test
    void aChangeWithoutATokenIsUnauthenticated() throws Exception {
        mvc.perform(replace("ab"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:unauthenticated"))
                .andExpect(jsonPath("$.detail").value("the admin API needs an 'Authorization: Bearer <token>' header"));
        verifyNoInteractions(registry, store);
    }

    @Test
    void aChangeWithAWrongTokenIsForbidden() throws Exception {
        mvc.perform(replace("ab").header(HttpHeaders.AUTHORIZATION, "Bearer s3cret-not"))
                .andExpect(status().isForbidden())
                .andExpect(header().doesNotExist(HttpHeaders.WWW_AUTHENTICATE))
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:forbidden"))
                .andExpect(jsonPath("$.status").value(403))
                .andExpect(jsonPath("$.detail").value("the admin token is not valid"));
        verifyNoInteractions(registry, store);
    }

    @Test
    void anAuthorizedChangeIsNamedByThePathSavedAgainstItsBasisAndApplied() throws Exception {
        StoredExperiment saved = new StoredExperiment(AB, 5, "fingerprint-of-ab");
        given(sync.basisFor("ab")).willReturn("fingerprint-of-ab");
        given(store.save(AB, "fingerprint-of-ab")).willReturn(saved);
        mvc.perform(replace("ab").header(HttpHeaders.AUTHORIZATION, "Bearer s3cret"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("ab"))
                .andExpect(jsonPath("$.variants[1].version").value("3"));
        verify(registry).validate(AB);
        verify(sync).apply(saved);
    }

    @Test
    void aRefusedChangeIsABadRequestProblemAndSavesNothing() throws Exception {
        // Validation by a real registry that serves no model at all: every variant's model is missing.
        ExperimentRegistry nothingLoaded = new ExperimentRegistry(ref -> false, new SplittableRandom(1));
        willAnswer(call -> {
            nothingLoaded.validate(call.getArgument(0));
            return null;
        }).given(registry).validate(any());
        mvc.perform(replace("ab").header(HttpHeaders.AUTHORIZATION, "Bearer s3cret"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:bad-request"))
                .andExpect(jsonPath("$.detail").value(startsWith(
                        "experiment 'ab' refused; the one in force keeps routing: experiment 'ab' is invalid: ")));
        verifyNoInteractions(store);
        verify(sync, never()).apply(any());
    }
}
