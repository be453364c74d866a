package io.qfserving.service.transport;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/** What every HTTP endpoint reads the same way: bodies within a size limit, and the client's timeout. */
public final class HttpRequests {

    /** The client's own deadline for a request, in milliseconds (gRPC clients send grpc-timeout instead). */
    public static final String TIMEOUT_HEADER = "X-Request-Timeout-Ms";

    private HttpRequests() {}

    /**
     * A request attribute holding the whole body as a {@code byte[]} when it was received before the
     * request reached its controller (as admission receives bodies), so that it is not copied again.
     */
    public static final String RECEIVED_BODY = HttpRequests.class.getName() + ".received-body";

    /**
     * The whole body, refused with TOO_LARGE as soon as it passes {@code limit} bytes: by its declared
     * Content-Length before reading anything, or while reading when the length is not declared.
     */
    public static byte[] body(HttpServletRequest request, long limit) {
        if (request.getAttribute(RECEIVED_BODY) instanceof byte[] received) {
            if (received.length > limit) {
                throw tooLarge(received.length, limit);
            }
            return received;
        }
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        try (InputStream in = request.getInputStream()) {
            if (declared >= 0) {
                // The declared length, read into one array of that size (no growing and copying).
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                if (read < body.length) {
                    throw ServingException.badRequest("the request body ended after " + read + " of its declared " + declared + " bytes");
                }
                return body;
            }
            byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (body.length > limit) {
                throw tooLarge(body.length, limit);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    /** A body of {@code size} bytes (or more) refused for passing {@code limit}. */
    public static ServingException tooLarge(long size, long limit) {
        return new ServingException(ErrorKind.TOO_LARGE, "the request body is " + (size > limit + 1 ? size + " bytes" : "over "
                + limit + " bytes") + "; the limit is " + limit + " bytes");
    }

    /** The {@value #TIMEOUT_HEADER} header as a duration, or null when absent. */
    public static Duration timeout(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long millis = Long.parseLong(header.strip());
            if (millis < 1) {
                throw ServingException.badRequest(TIMEOUT_HEADER + " must be a positive number of milliseconds");
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw ServingException.badRequest(TIMEOUT_HEADER + " must be a number of milliseconds, got '" + header + "'");
        }
    }
}
