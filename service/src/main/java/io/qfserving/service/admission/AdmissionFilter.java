package io.qfserving.service.admission;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ErrorResponses;
import io.qfserving.service.errors.ServingException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admission of HTTP classify and infer calls ({@link Admission}), in three steps so that neither a
 * flood of requests nor slow senders can take the server's threads or its limit:
 * <ol>
 *   <li>From the request line: at the limit, a 429 with {@code Retry-After} at once, body unread.
 *   <li>The body is received without holding a thread (non-blocking servlet reads), within a size
 *       limit, a time limit ({@code qf.admission.body-timeout}: 408 past it) and a budget for all
 *       bodies held together ({@code qf.admission.max-receiving}: 429 past it).
 *   <li>With the whole body in memory, the request takes a permit (or gets a 429) and goes on.
 * </ol>
 * Multipart uploads are received the same way and parsed from the received body
 * ({@link ReceivedMultipartResolver}).
 */
class AdmissionFilter extends OncePerRequestFilter {

    private static final ErrorResponses.Prepared REFUSED = ErrorResponses.prepare(ErrorKind.OVERLOADED, Admission.REFUSAL);

    private final Admission admission;
    private final ReceivedBodies bodies;

    AdmissionFilter(Admission admission, ReceivedBodies bodies) {
        this.admission = admission;
        this.bodies = bodies;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !admission.enabled() || !"POST".equals(request.getMethod()) || !isInference(request.getRequestURI());
    }

    /** The body's arrival is an async dispatch of the same request, which this filter finishes. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    /** Our classify calls and the Open Inference Protocol's infer calls. */
    static boolean isInference(String path) {
        return path.equals("/v1/classify") || (path.startsWith("/v1/models/") && path.endsWith(":classify"))
                || (path.startsWith("/v2/models/") && path.endsWith("/infer"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request)) {
            ReceivedBodies.Received received = bodies.received(request);
            if (received.failure() != null) {
                ErrorResponses.sendError(response, received.failure());
            } else {
                runAdmitted(new ReceivedBodies.BufferedRequest(request, received.body()), response, chain);
            }
            return;
        }
        if (admission.refuseEarly()) {
            REFUSED.write(request, response);
            return;
        }
        // A raw image body has the image limit; tensors and multipart uploads (parsed from the
        // received body by ReceivedMultipartResolver) have the request limit.
        boolean wholeRequest = request.getRequestURI().startsWith("/v2/")
                || MediaType.MULTIPART_FORM_DATA.isCompatibleWith(contentType(request));
        long limit = wholeRequest ? bodies.requestLimit() : bodies.imageLimit();
        ServingException refused = bodies.receive(request, response, limit);
        if (refused != null) {
            ErrorResponses.sendError(response, refused);
        }
    }

    private void runAdmitted(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Admission.Permit> permit = admission.tryAcquire();
        if (permit.isEmpty()) {
            REFUSED.write(request, response);
            return;
        }
        Admission.Outcome outcome = Admission.Outcome.OTHER;
        try {
            chain.doFilter(request, response);
            outcome = Admission.Outcome.ofHttp(response.getStatus());
        } finally {
            permit.get().release(outcome);
        }
    }

    private static MediaType contentType(HttpServletRequest request) {
        try {
            return request.getContentType() == null ? MediaType.APPLICATION_OCTET_STREAM
                    : MediaType.parseMediaType(request.getContentType());
        } catch (IllegalArgumentException malformed) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }
}
