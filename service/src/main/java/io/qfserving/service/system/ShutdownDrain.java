package io.qfserving.service.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The drain before shutdown ({@link ShutdownProperties}). Runs first when the context closes, before
 * any server stops: readiness turns to refusing traffic, and every response carries
 * {@code Connection: close}, so that clients holding keep-alive connections open new ones, which the
 * balancer sends to other replicas, instead of sending requests on a connection about to close.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ShutdownDrain extends OncePerRequestFilter implements ApplicationListener<ContextClosedEvent> {

    private static final Logger log = LoggerFactory.getLogger(ShutdownDrain.class);

    private final ApplicationContext context;
    private final ShutdownProperties properties;
    private volatile boolean draining;

    ShutdownDrain(ApplicationContext context, ShutdownProperties properties) {
        this.context = context;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        // The management server's own context closes too; drain once, for the application.
        if (event.getApplicationContext() != context || properties.drain().isZero()) {
            return;
        }
        draining = true;
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        log.info("draining for {} before shutdown: not ready, closing connections after each response", properties.drain());
        try {
            Thread.sleep(properties.drain());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (draining) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        chain.doFilter(request, response);
    }
}
