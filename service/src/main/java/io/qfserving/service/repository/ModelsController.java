package io.qfserving.service.repository;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.errors.ServingException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models[/{model}]}: what the repository holds, version by version. */
@RestController
@Tag(name = "models", description = "The model repository: versions, variants, cost and accuracy")
class ModelsController {

    record Models(List<Model> models) {}

    record Model(String name, List<Version> versions) {}

    /** A version folder; the manifest-derived fields are present for READY versions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Version(
            String version,
            String state,
            String reason,
            String architecture,
            String variant,
            String precision,
            String engine,
            ModelManifest.Tensor input,
            List<ModelManifest.Tensor> outputs,
            ModelManifest.Preprocessing preprocessing,
            List<ModelManifest.Label> labels,
            long parameters,
            long macsPerImage,
            long fileSizeBytes,
            ModelManifest.Accuracy accuracy,
            ModelManifest.Quantization quantization,
            @JsonProperty("warmup_ms") Long warmupMillis) {

        static Version of(VersionStatus status) {
            String state = status.state().name().toLowerCase(Locale.ROOT);
            ServedModel served = status.model();
            if (served == null) {
                return new Version(status.version(), state, status.reason(), null, null, null, null, null, null, null, null,
                        0, 0, 0, null, null, null);
            }
            ModelManifest m = served.manifest();
            return new Version(status.version(), state, null, m.architecture(), m.variant(), m.precision(), served.engine(),
                    m.input(), m.outputs(), m.preprocessing(), m.labels(), m.parameters(), m.macsPerImage(), m.fileSizeBytes(),
                    m.accuracy(), m.quantization(), served.warmup().toMillis());
        }
    }

    private final ModelRepository repository;

    ModelsController(ModelRepository repository) {
        this.repository = repository;
    }

    @Operation(summary = "Every model with its versions")
    @GetMapping("/v1/models")
    Models models() {
        return new Models(repository.models().stream().map(ModelsController::model).toList());
    }

    @Operation(summary = "One model with its versions")
    @GetMapping("/v1/models/{model}")
    Model model(@PathVariable String model) {
        return model(repository.model(model).orElseThrow(() -> ServingException.notFound("model '" + model + "' not found")));
    }

    private static Model model(ModelStatus status) {
        return new Model(status.name(), status.versions().stream().map(Version::of).toList());
    }
}
