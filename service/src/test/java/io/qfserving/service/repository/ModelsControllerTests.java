package io.qfserving.service.repository;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.qfserving.runtime.manifest.ModelManifest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The HTTP edge alone: the repository's view of each version as JSON, and the problem detail of an unknown model. */
@WebMvcTest(ModelsController.class)
class ModelsControllerTests {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ModelRepository repository;

    static ServedModel served() {
        ModelManifest manifest = new ModelManifest("qf-mobilenet-v2-int8", "mobilenet-v2", "qf", "int8", List.of(),
                new ModelManifest.Tensor("image", "FP32", List.of(-1L, 224L, 224L, 3L)),
                List.of(new ModelManifest.Tensor("probs", "FP32", List.of(-1L, 2L))),
                new ModelManifest.Preprocessing("RGB", 224, 224, "bilinear", List.of(127.5f, 127.5f, 127.5f),
                        List.of(127.5f, 127.5f, 127.5f), "NHWC"),
                List.of(new ModelManifest.Label(0, "n00000001", "disc"), new ModelManifest.Label(1, "n00000002", "stripes")),
                3_500_000, 300_000_000, 4_000_000, new ModelManifest.Accuracy("imagenette-val", 3925, 81.5, 97.25),
                null, null, "abc123", "2026-01-01T00:00:00Z");
        ServedModel model = mock(ServedModel.class);
        given(model.manifest()).willReturn(manifest);
        given(model.engine()).willReturn("onnxruntime");
        given(model.warmup()).willReturn(Duration.ofMillis(1234));
        return model;
    }

    @Test
    void everyModelIsListedWithEachVersionInItsState() throws Exception {
        ServedModel one = served();
        given(repository.models()).willReturn(List.of(
                new ModelStatus("qf-mobilenet-v2-int8", List.of(
                        new VersionStatus("2", VersionStatus.State.FAILED, null, "no manifest.json in 2"),
                        new VersionStatus("1", VersionStatus.State.READY, one, null))),
                new ModelStatus("mobilenet-v2", List.of())));
        mvc.perform(get("/v1/models"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_JSON_VALUE))
                .andExpect(jsonPath("$.models.length()").value(2))
                .andExpect(jsonPath("$.models[0].name").value("qf-mobilenet-v2-int8"))
                .andExpect(jsonPath("$.models[0].versions[0].version").value("2"))
                .andExpect(jsonPath("$.models[0].versions[0].state").value("failed"))
                .andExpect(jsonPath("$.models[0].versions[0].reason").value("no manifest.json in 2"))
                .andExpect(jsonPath("$.models[0].versions[0].architecture").doesNotExist())
                .andExpect(jsonPath("$.models[0].versions[1].state").value("ready"))
                .andExpect(jsonPath("$.models[0].versions[1].reason").doesNotExist())
                .andExpect(jsonPath("$.models[1].name").value("mobilenet-v2"))
                .andExpect(jsonPath("$.models[1].versions").isEmpty());
    }

    @Test
    void aReadyVersionCarriesItsManifestAndEngine() throws Exception {
        ServedModel one = served();
        given(repository.model("qf-mobilenet-v2-int8")).willReturn(Optional.of(new ModelStatus("qf-mobilenet-v2-int8",
                List.of(new VersionStatus("1", VersionStatus.State.READY, one, null)))));
        mvc.perform(get("/v1/models/qf-mobilenet-v2-int8"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("qf-mobilenet-v2-int8"))
                .andExpect(jsonPath("$.versions[0].architecture").value("mobilenet-v2"))
                .andExpect(jsonPath("$.versions[0].precision").value("int8"))
                .andExpect(jsonPath("$.versions[0].engine").value("onnxruntime"))
                .andExpect(jsonPath("$.versions[0].warmup_ms").value(1234))
                .andExpect(jsonPath("$.versions[0].macs_per_image").value(300_000_000))
                .andExpect(jsonPath("$.versions[0].input.shape[1]").value(224))
                .andExpect(jsonPath("$.versions[0].labels[1].name").value("stripes"))
                .andExpect(jsonPath("$.versions[0].accuracy.top1").value(81.5));
    }

    @Test
    void anUnknownModelIsANotFoundProblem() throws Exception {
        given(repository.model("nope")).willReturn(Optional.empty());
        mvc.perform(get("/v1/models/nope"))
                .andExpect(status().isNotFound())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.type").value("urn:qf-serving:problem:not-found"))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.detail").value("model 'nope' not found"));
    }
}
