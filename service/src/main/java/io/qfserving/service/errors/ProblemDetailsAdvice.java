package io.qfserving.service.errors;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every HTTP error as an RFC 9457 problem detail ({@code application/problem+json}): ours from
 * {@link ErrorKind}, Spring MVC's own (wrong media type, missing part, body over the multipart limit)
 * from its defaults, each also carrying its detail as {@code error}; on Open Inference Protocol paths
 * ({@code /v2}), the protocol's own body instead.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ServingException.class)
    ResponseEntity<Object> serving(ServingException e, WebRequest request) {
        if (e.kind() == ErrorKind.INTERNAL) {
            log.error("request failed", e);
        }
        return handleExceptionInternal(e, problem(e.kind(), e.getMessage()), headers(e.kind()), e.kind().http(), request);
    }

    /** What a kind of failure tells the client besides its body: when to retry, how to authenticate. */
    static HttpHeaders headers(ErrorKind kind) {
        HttpHeaders headers = new HttpHeaders();
        if (kind == ErrorKind.OVERLOADED) {
            headers.set(HttpHeaders.RETRY_AFTER, ErrorKind.RETRY_AFTER_SECONDS);
        }
        if (kind == ErrorKind.UNAUTHENTICATED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (kind == ErrorKind.BODY_TIMEOUT) {
            // The rest of a late body may still come; it must not be read as the next request.
            headers.set(HttpHeaders.CONNECTION, "close");
        }
        return headers;
    }

    /** Our problem detail for a kind of failure: its type names the kind. */
    static ProblemDetail problem(ErrorKind kind, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(kind.http(), detail);
        problem.setType(URI.create("urn:qf-serving:problem:" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return problem;
    }

    /** The client hung up or sent a broken body while we read it. */
    @ExceptionHandler(UncheckedIOException.class)
    ResponseEntity<Object> unreadable(UncheckedIOException e, WebRequest request) {
        return serving(ServingException.badRequest(e.getMessage()), request);
    }

    /** A multipart body that broke off or is not multipart: the client's doing, not ours. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> unreadableUpload(MultipartException e, WebRequest request) {
        return serving(ServingException.badRequest("the multipart body could not be read: " + e.getMostSpecificCause().getMessage()),
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        return serving(ServingException.from(e), request);
    }

    /**
     * Open Inference Protocol paths answer the protocol's own error body, exactly {@code {"error": "..."}}:
     * its clients (Triton's among them) parse it strictly and reject any other field.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getDetail() != null) {
            if (request instanceof ServletWebRequest servlet && isOpenInferenceProtocol(servlet.getRequest().getRequestURI())) {
                return protocolError(status, headers, problem.getDetail());
            }
            problem.setProperty("error", problem.getDetail());
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    static boolean isOpenInferenceProtocol(String path) {
        return path.equals("/v2") || path.startsWith("/v2/");
    }

    /** The Open Inference Protocol's error body, exactly {@code {"error": detail}}. */
    static ResponseEntity<Object> protocolError(HttpStatusCode status, HttpHeaders headers, String detail) {
        HttpHeaders plain = new HttpHeaders();
        plain.addAll(headers);
        plain.setContentType(MediaType.APPLICATION_JSON);
        return new ResponseEntity<>(Map.of("error", detail), plain, status);
    }
}
