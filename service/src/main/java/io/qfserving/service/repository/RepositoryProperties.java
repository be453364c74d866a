package io.qfserving.service.repository;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The model repository: {@code <path>/<model>/<version>/manifest.json}.
 *
 * @param path repository folder, absolute or relative to the working folder; the default is the
 *     embedded one. A String rather than a Path: Spring's Path conversion would resolve a relative
 *     path against the web application's resources instead of the working folder.
 * @param versionsPerModel how many of each model's newest working versions are served
 * @param pollInterval how often the repository is rescanned for new, changed or removed versions;
 *     zero turns hot reload off
 * @param settleTime a version whose files changed more recently than this is left for the next
 *     scan, so a copy still in progress is not loaded half-written
 * @param drainTimeout how long an unloaded version waits for requests still using it
 */
@Validated
@ConfigurationProperties("qf.repository")
public record RepositoryProperties(
        @NotBlank @DefaultValue("models/repository") String path,
        @Min(1) @DefaultValue("1") int versionsPerModel,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("2s") Duration settleTime,
        @DefaultValue("30s") Duration drainTimeout) {

    Path directory() {
        return Path.of(path).toAbsolutePath().normalize();
    }
}
