package io.qfserving.service.experiment;

/** The shared experiment state could not be read or written in time; nothing was changed by the call that failed. */
public final class StateUnavailableException extends RuntimeException {

    public StateUnavailableException(String operation, Throwable cause) {
        super("the shared experiment state is unavailable (" + operation + "): " + cause.getMessage(), cause);
    }
}
