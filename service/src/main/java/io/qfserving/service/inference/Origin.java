package io.qfserving.service.inference;

/**
 * Where a request came from, for metrics: its transport and, when an experiment routed it, the
 * experiment and the variant it drew (both empty otherwise).
 */
public record Origin(Transport transport, String experiment, String experimentVariant) {

    /** A request that named its model directly. */
    public static Origin direct(Transport transport) {
        return new Origin(transport, "", "");
    }
}
