package io.qfserving.service.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Once {@link #closeAfterEachResponse()} is called, every response carries {@code Connection: close},
 * so that clients holding keep-alive connections open new ones, which a balancer sends to other
 * replicas, instead of sending requests on a connection that is about to close.
 */
@Component
class ClosingConnections extends OncePerRequestFilter {

    private volatile boolean closing;

    void closeAfterEachResponse() {
        closing = true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (closing) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        chain.doFilter(request, response);
    }
}
