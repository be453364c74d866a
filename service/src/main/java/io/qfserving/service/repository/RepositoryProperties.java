package io.qfserving.service.repository;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the model repository lives: {@code <path>/<model>/<version>/manifest.json}.
 *
 * @param path repository folder; the default is the embedded one, relative to the working folder
 */
@Validated
@ConfigurationProperties("qf.repository")
public record RepositoryProperties(
        @NotNull @DefaultValue("models/repository") Path path) {}
