package io.qfserving.service.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server leaves: for {@code drain} after it is told to stop (SIGTERM), it reports itself not
 * ready and keeps answering, closing each connection after its response, so that load balancers
 * move traffic elsewhere; a Kubernetes {@code preStop} hook of the same length covers endpoints that
 * update late. Then, for {@code refusal}, every new request is answered 503 with
 * {@code Connection: close} and a {@code Retry-After} that outlasts the refusal, so that each client
 * still sending here is told to go elsewhere, and one that honours the header does not come back
 * before the listening sockets close; then they close, and in-flight and queued work finishes.
 * With {@code handleSignals}, SIGTERM and SIGINT run all of this before the JVM begins to shut down
 * ({@link TerminationSignals}).
 */
@ConfigurationProperties("qf.shutdown")
public record ShutdownProperties(
        @DefaultValue("5s") Duration drain,
        @DefaultValue("1s") Duration refusal,
        @DefaultValue("true") boolean handleSignals) {

    /** Whole seconds a refused client should wait: past the end of the refusal, when connecting fails before anything is sent. */
    long retryAfterSeconds() {
        return Math.ceilDiv(refusal.toMillis(), 1000) + 1;
    }
}
