package io.qfserving.service.experiment;

/** A client asked to pin a variant that the experiment does not let it pin. */
public final class OverrideRefusedException extends RuntimeException {

    OverrideRefusedException(String message) {
        super(message);
    }
}
