package io.qfserving.service.admission;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits or refuses an inference request from its request line alone, before its body is read or
 * its image decoded ({@link AdmissionProperties}): past the limit it answers 429 with
 * {@code Retry-After} at once, in the form of the API it was sent to. Completed requests tell the
 * limit how the server is doing: successes by their latency, 429/503/504 as drops.
 */
class AdmissionFilter extends OncePerRequestFilter {

    private static final String DETAIL = "the server is at its limit of requests in progress; retry shortly";

    private final Limiter<Void> limiter;
    private final boolean enabled;
    private final Counter refused;

    AdmissionFilter(AdmissionProperties properties, MeterRegistry registry) {
        SimpleLimiter<Void> limiter = SimpleLimiter.newBuilder()
                .limit(Gradient2Limit.newBuilder().initialLimit(properties.initialLimit()).minLimit(properties.minLimit())
                        .maxConcurrency(properties.maxLimit()).rttTolerance(properties.rttTolerance()).build())
                .build();
        this.limiter = limiter;
        this.enabled = properties.enabled();
        this.refused = Counter.builder("qf.admission.refused")
                .description("Inference requests refused before any of their work, at the limit of requests in progress")
                .register(registry);
        Gauge.builder("qf.admission.limit", limiter, SimpleLimiter::getLimit)
                .description("Inference requests allowed in progress, as the adaptive limit estimates it now").register(registry);
        Gauge.builder("qf.admission.in.progress", limiter, SimpleLimiter::getInflight)
                .description("Inference requests in progress").register(registry);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !enabled || !"POST".equals(request.getMethod()) || !isInference(request.getRequestURI());
    }

    /** Our classify calls and the Open Inference Protocol's infer calls. */
    static boolean isInference(String path) {
        return path.equals("/v1/classify") || (path.startsWith("/v1/models/") && path.endsWith(":classify"))
                || (path.startsWith("/v2/models/") && path.endsWith("/infer"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Limiter.Listener> admitted = limiter.acquire(null);
        if (admitted.isEmpty()) {
            refused.increment();
            refuse(request, response);
            return;
        }
        Limiter.Listener listener = admitted.get();
        boolean completed = false;
        try {
            chain.doFilter(request, response);
            completed = true;
        } finally {
            int status = response.getStatus();
            if (!completed) {
                listener.onIgnore();
            } else if (status == 429 || status == 503 || status == 504) {
                listener.onDropped();
            } else if (status < 400) {
                listener.onSuccess();
            } else {
                listener.onIgnore();
            }
        }
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, "1");
        String body;
        if (request.getRequestURI().startsWith("/v2/")) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            body = "{\"error\":\"" + DETAIL + "\"}";
        } else {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            body = "{\"type\":\"urn:qf-serving:problem:overloaded\",\"title\":\"Too Many Requests\",\"status\":429,"
                    + "\"detail\":\"" + DETAIL + "\",\"error\":\"" + DETAIL + "\"}";
        }
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
