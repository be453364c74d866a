package io.qfserving.service.errors;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.stereotype.Component;

/**
 * Every exception a gRPC service throws (or passes to {@code onError}) as a status, from the same
 * {@link ErrorKind} table the HTTP side uses. Trailer {@code qf-error-kind} names the kind.
 */
@Component
public class GrpcErrors implements GrpcExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);
    static final Metadata.Key<String> KIND = Metadata.Key.of("qf-error-kind", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RETRY_PUSHBACK = Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public StatusException handleException(Throwable exception) {
        if (exception instanceof StatusException || exception instanceof StatusRuntimeException) {
            return null;
        }
        ServingException failure = ServingException.from(exception);
        if (failure.kind() == ErrorKind.INTERNAL) {
            log.error("gRPC call failed", exception);
        }
        return exception(failure);
    }

    /** The failure as a status with its {@link #trailers}. */
    public static StatusException exception(ServingException failure) {
        return status(failure).asException(trailers(failure.kind()));
    }

    /**
     * The trailers every failure of a kind carries: {@code qf-error-kind}, and for an overloaded server
     * the retry pushback gRPC clients honour ({@code grpc-retry-pushback-ms}, gRFC A6), as HTTP's
     * Retry-After. New each time: the transport changes the trailers it sends.
     */
    public static Metadata trailers(ErrorKind kind) {
        Metadata trailers = new Metadata();
        trailers.put(KIND, kind.name().toLowerCase(Locale.ROOT));
        if (kind == ErrorKind.OVERLOADED) {
            trailers.put(RETRY_PUSHBACK, Long.toString(Long.parseLong(ErrorKind.RETRY_AFTER_SECONDS) * 1000));
        }
        return trailers;
    }

    /** The status a failure maps to (also sent in-band by streaming calls). */
    public static Status status(ServingException failure) {
        return status(failure.kind(), failure.getMessage());
    }

    /** The status of a kind of failure, with its description. */
    public static Status status(ErrorKind kind, String description) {
        return Status.fromCode(kind.grpc()).withDescription(description);
    }
}
