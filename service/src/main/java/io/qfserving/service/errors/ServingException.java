package io.qfserving.service.errors;

import io.qfserving.service.batching.DeadlineExceededException;
import io.qfserving.service.batching.QueueClosedException;
import io.qfserving.service.batching.QueueFullException;
import io.qfserving.service.experiment.StateUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A request that cannot be served, with the {@link ErrorKind} that tells each transport how to say so. */
public final class ServingException extends RuntimeException {

    private final ErrorKind kind;

    public ServingException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ServingException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static ServingException badRequest(String message) {
        return new ServingException(ErrorKind.BAD_REQUEST, message);
    }

    public static ServingException notFound(String message) {
        return new ServingException(ErrorKind.NOT_FOUND, message);
    }

    /**
     * Any failure as a ServingException: the batching core's admission and deadline failures keep
     * their meaning, wrappers from futures are unwrapped, anything else is an internal error.
     */
    public static ServingException from(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return switch (cause) {
            case ServingException serving -> serving;
            case QueueFullException full -> new ServingException(ErrorKind.OVERLOADED, full.getMessage(), full);
            case DeadlineExceededException late -> new ServingException(ErrorKind.DEADLINE_EXCEEDED, late.getMessage(), late);
            case QueueClosedException closed -> new ServingException(ErrorKind.UNAVAILABLE, closed.getMessage(), closed);
            case StateUnavailableException down -> new ServingException(ErrorKind.UNAVAILABLE, down.getMessage(), down);
            // The cause stays in the server's log; clients learn only that it was not their fault.
            default -> new ServingException(ErrorKind.INTERNAL, "internal server error", cause);
        };
    }
}
