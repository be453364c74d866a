package io.qfserving.service.repository;

import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the model repository lives: {@code <path>/<model>/<version>/manifest.json}.
 *
 * @param path repository folder, absolute or relative to the working folder; the default is the
 *     embedded one. A String rather than a Path: Spring's Path conversion would resolve a relative
 *     path against the web application's resources instead of the working folder.
 */
@Validated
@ConfigurationProperties("qf.repository")
public record RepositoryProperties(
        @NotBlank @DefaultValue("models/repository") String path) {

    Path directory() {
        return Path.of(path).toAbsolutePath().normalize();
    }
}
