package io.qfserving.service.system;

import java.time.Duration;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The drain before shutdown ({@link ShutdownProperties}). Runs first when the context closes, before
 * any server stops: readiness turns to refusing traffic and responses close their connections
 * ({@link ClosingConnections}) while the server keeps answering, for the drain's length; then new
 * requests are refused with 503 for the refusal's length; then the listening sockets close.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ShutdownDrain implements ApplicationListener<ContextClosedEvent> {

    private static final Logger log = LoggerFactory.getLogger(ShutdownDrain.class);

    private final ApplicationContext context;
    private final ShutdownProperties properties;
    private final ClosingConnections connections;

    ShutdownDrain(ApplicationContext context, ShutdownProperties properties, ClosingConnections connections) {
        this.context = context;
        this.properties = properties;
        this.connections = connections;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        // The management server's own context closes too; drain once, for the application.
        if (event.getApplicationContext() != context || properties.drain().isZero()) {
            return;
        }
        connections.closeAfterEachResponse();
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        log.info("draining for {} before shutdown: not ready, closing connections after each response", properties.drain());
        sleep(properties.drain());
        // Clients still sending here are told to leave, while the server still accepts: closing the
        // listening socket now would reset the connections waiting in its accept queue, requests sent.
        connections.refuseNewRequests(properties.retryAfterSeconds());
        log.info("refusing new requests for {}, then closing the listening sockets", properties.refusal());
        sleep(properties.refusal());
        // Graceful shutdown, which follows, would pause the connector first and reset what is queued;
        // closed first, a client connecting now is refused before it sends anything.
        if (context instanceof WebServerApplicationContext web && web.getWebServer() instanceof TomcatWebServer tomcat) {
            for (Connector connector : tomcat.getTomcat().getService().findConnectors()) {
                connector.getProtocolHandler().closeServerSocketGraceful();
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
