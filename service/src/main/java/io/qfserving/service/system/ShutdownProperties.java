package io.qfserving.service.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server leaves: for {@code drain} after it is told to stop (SIGTERM), it reports itself not
 * ready and keeps answering, closing each connection after its response, so that load balancers
 * move traffic elsewhere before the listening sockets close; then in-flight and queued work finishes.
 * A Kubernetes {@code preStop} hook of the same length covers endpoints that update late.
 */
@ConfigurationProperties("qf.shutdown")
public record ShutdownProperties(@DefaultValue("5s") Duration drain) {}
