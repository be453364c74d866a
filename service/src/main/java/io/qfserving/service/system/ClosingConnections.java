package io.qfserving.service.system;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ErrorResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The application port's side of leaving ({@link ShutdownDrain}). Once {@link #closeAfterEachResponse()}
 * is called, every response carries {@code Connection: close}, so that clients holding keep-alive
 * connections open new ones, which a balancer sends to other replicas. Once {@link #refuseNewRequests}
 * is called, every new request is answered 503 at once, before its body is read or admission sees it.
 * Ordered just before admission.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 1)
class ClosingConnections extends OncePerRequestFilter {

    private static final ErrorResponses.Prepared REFUSED = ErrorResponses.prepare(ErrorKind.UNAVAILABLE,
            "the server is shutting down; retry on another replica");

    private volatile boolean closing;
    private volatile String retryAfter;

    void closeAfterEachResponse() {
        closing = true;
    }

    void refuseNewRequests(long retryAfterSeconds) {
        retryAfter = Long.toString(retryAfterSeconds);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (closing) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        String refusedFor = retryAfter;
        if (refusedFor != null) {
            response.setHeader(HttpHeaders.RETRY_AFTER, refusedFor);
            REFUSED.write(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
