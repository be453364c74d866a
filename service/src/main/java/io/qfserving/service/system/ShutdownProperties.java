package io.qfserving.service.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server leaves: for {@code drain} after it is told to stop (SIGTERM), it reports itself not
 * ready and keeps answering, closing each connection after its response, so that load balancers
 * move traffic elsewhere before the listening sockets close; then in-flight and queued work finishes.
 * A Kubernetes {@code preStop} hook of the same length covers endpoints that update late. Then the
 * listening sockets close, so that new connections are refused before anything is sent on them, and
 * for {@code linger} the server still answers on the connections it has; then in-flight work ends.
 * With {@code handleSignals}, SIGTERM and SIGINT run all of this before the JVM begins to shut down
 * ({@link TerminationSignals}).
 */
@ConfigurationProperties("qf.shutdown")
public record ShutdownProperties(
        @DefaultValue("5s") Duration drain,
        @DefaultValue("1s") Duration linger,
        @DefaultValue("true") boolean handleSignals) {}
