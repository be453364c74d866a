package io.qfserving.service.errors;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page, in place of Spring Boot's: errors that never reached Spring
 * MVC (a malformed request line, a body over a container limit) answer in the same form as the rest
 * of the API, the Open Inference Protocol's {@code {"error"}} under {@code /v2}, else a problem detail;
 * a direct request for the page itself is a 404, never a 500.
 */
@RestController
class ErrorPage implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.NOT_FOUND;
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String detail = code == null ? "no such resource"
                : message instanceof String text && !text.isBlank() ? text : status.getReasonPhrase();
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path && ProblemDetailsAdvice.isOpenInferenceProtocol(path)) {
            return ProblemDetailsAdvice.protocolError(status, HttpHeaders.EMPTY, detail);
        }
        ErrorKind kind = ErrorKind.ofHttp(status.value());
        ProblemDetail problem =
                kind != null ? ProblemDetailsAdvice.problem(kind, detail) : ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("error", detail);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
