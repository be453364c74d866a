package io.qfserving.service.errors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors answered by filters, before Spring MVC would: the same status, headers and body the
 * {@link ProblemDetailsAdvice} gives.
 */
public final class ErrorResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorResponses() {}

    /**
     * An answer serialized once, for the fixed errors that filters give at the rate overload brings
     * (admission refusals, shutdown): written straight to the response, without a dispatch to the
     * error page, and the connection stays open for the client's next request.
     */
    public static final class Prepared {

        private final ErrorKind kind;
        private final byte[] problem;
        private final byte[] openInferenceProtocol;

        private Prepared(ErrorKind kind, String message) {
            this.kind = kind;
            ProblemDetail detail = ProblemDetailsAdvice.problem(kind, message);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", detail.getType().toString());
            body.put("title", detail.getTitle());
            body.put("status", detail.getStatus());
            body.put("detail", detail.getDetail());
            body.put("error", detail.getDetail());
            this.problem = JSON.writeValueAsBytes(body);
            this.openInferenceProtocol = JSON.writeValueAsBytes(Map.of("error", message));
        }

        public void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(kind.http().value());
            addHeaders(response, kind);
            boolean oip = ProblemDetailsAdvice.isOpenInferenceProtocol(request.getRequestURI());
            response.setContentType(oip ? MediaType.APPLICATION_JSON_VALUE : MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            byte[] body = oip ? openInferenceProtocol : problem;
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    public static Prepared prepare(ErrorKind kind, String message) {
        return new Prepared(kind, message);
    }

    /**
     * Answered through the container's error page, which also closes the connection without reading
     * the rest of the body: for a body that broke off, was too large or is still trickling in.
     */
    public static void sendError(HttpServletResponse response, ServingException failure) throws IOException {
        addHeaders(response, failure.kind());
        response.sendError(failure.kind().http().value(), failure.getMessage());
    }

    private static void addHeaders(HttpServletResponse response, ErrorKind kind) {
        ProblemDetailsAdvice.headers(kind).forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
    }
}
