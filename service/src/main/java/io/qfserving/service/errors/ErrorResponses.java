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
     * Written straight to the response, without a dispatch to the error page (admission refusals, at
     * the rate overload brings); the connection stays open for the client's next request.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, ServingException failure) throws IOException {
        ErrorKind kind = failure.kind();
        response.setStatus(kind.http().value());
        addHeaders(response, kind);
        Map<String, Object> body = new LinkedHashMap<>();
        if (ProblemDetailsAdvice.isOpenInferenceProtocol(request.getRequestURI())) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            body.put("error", failure.getMessage());
        } else {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            ProblemDetail problem = ProblemDetailsAdvice.problem(kind, failure.getMessage());
            body.put("type", problem.getType().toString());
            body.put("title", problem.getTitle());
            body.put("status", problem.getStatus());
            body.put("detail", problem.getDetail());
            body.put("error", problem.getDetail());
        }
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
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
