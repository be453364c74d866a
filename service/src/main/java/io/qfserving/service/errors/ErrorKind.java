package io.qfserving.service.errors;

import io.grpc.Status;
import org.springframework.http.HttpStatus;

/**
 * Every way a request can fail, with the HTTP status and the gRPC code it maps to: the one table
 * both transports answer from.
 */
public enum ErrorKind {
    BAD_REQUEST(HttpStatus.BAD_REQUEST, Status.Code.INVALID_ARGUMENT),
    NOT_FOUND(HttpStatus.NOT_FOUND, Status.Code.NOT_FOUND),
    /** The body or the image it carries is over a configured limit. */
    TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, Status.Code.INVALID_ARGUMENT),
    /** The body did not arrive in time (a slow or stalled sender). */
    BODY_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, Status.Code.DEADLINE_EXCEEDED),
    UNSUPPORTED_MEDIA(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Status.Code.INVALID_ARGUMENT),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, Status.Code.UNAUTHENTICATED),
    FORBIDDEN(HttpStatus.FORBIDDEN, Status.Code.PERMISSION_DENIED),
    /** The request repeats something already done (feedback given twice). */
    CONFLICT(HttpStatus.CONFLICT, Status.Code.ALREADY_EXISTS),
    /** The model's queue is full: retry later. */
    OVERLOADED(HttpStatus.TOO_MANY_REQUESTS, Status.Code.RESOURCE_EXHAUSTED),
    DEADLINE_EXCEEDED(HttpStatus.GATEWAY_TIMEOUT, Status.Code.DEADLINE_EXCEEDED),
    /** The model is not ready, or the server is shutting down. */
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, Status.Code.UNAVAILABLE),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, Status.Code.INTERNAL);

    /** The {@code Retry-After} of every 429 ({@link #OVERLOADED}): seconds to wait before trying again. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private final HttpStatus http;
    private final Status.Code grpc;

    ErrorKind(HttpStatus http, Status.Code grpc) {
        this.http = http;
        this.grpc = grpc;
    }

    /** The kind an HTTP status stands for, or null when none of ours does. */
    static ErrorKind ofHttp(int status) {
        for (ErrorKind kind : values()) {
            if (kind.http.value() == status) {
                return kind;
            }
        }
        return null;
    }

    public HttpStatus http() {
        return http;
    }

    public Status.Code grpc() {
        return grpc;
    }
}
