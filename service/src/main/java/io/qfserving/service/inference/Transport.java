package io.qfserving.service.inference;

import java.util.Locale;

/** How a request arrived: a metrics label. */
public enum Transport {
    HTTP,
    GRPC;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
