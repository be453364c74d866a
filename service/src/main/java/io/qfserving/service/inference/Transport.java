package io.qfserving.service.inference;

import java.util.Locale;

/** How a request arrived (a metrics label); SHADOW marks mirrored copies of experiment traffic. */
public enum Transport {
    HTTP,
    GRPC,
    SHADOW;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
