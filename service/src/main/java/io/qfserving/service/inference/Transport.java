package io.qfserving.service.inference;

import java.util.Locale;

/**
 * How a request arrived (a metrics label): SHADOW marks mirrored copies of experiment traffic,
 * EVALUATION the server's own start-up evaluation.
 */
public enum Transport {
    HTTP,
    GRPC,
    SHADOW,
    EVALUATION;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
