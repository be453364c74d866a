package io.qfserving.service.experiment.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The bearer token that guards {@code /admin}: given inline ({@code qf.admin.token}, e.g. from an
 * environment variable) or as a file ({@code qf.admin.token-file}, e.g. a mounted Kubernetes Secret,
 * read on every check so a rotated secret takes effect without a restart). With neither, the admin
 * API refuses every call.
 */
@ConfigurationProperties("qf.admin")
record AdminProperties(String token, String tokenFile) {

    Optional<String> currentToken() {
        if (tokenFile != null && !tokenFile.isBlank()) {
            try {
                return Optional.of(Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip()).filter(t -> !t.isEmpty());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the admin token file " + tokenFile, e);
            }
        }
        return Optional.ofNullable(token).map(String::strip).filter(t -> !t.isEmpty());
    }
}
