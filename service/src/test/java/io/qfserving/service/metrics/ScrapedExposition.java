package io.qfserving.service.metrics;

import com.sun.net.httpserver.HttpServer;
import io.qfserving.service.testing.PrometheusServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ServingExposition} served over HTTP and scraped by a real Prometheus, both started by the
 * first call to {@link #prometheus()}. Call it from a test method, not {@code @BeforeAll}: where
 * Prometheus is not installed, each test is then reported skipped with the reason (Surefire drops
 * an abort in {@code @BeforeAll} silently).
 */
final class ScrapedExposition implements AutoCloseable {

    private static final int SCRAPES_BEFORE_QUERYING = 3;

    private HttpServer exporter;
    private PrometheusServer prometheus;

    /** Prometheus, once it has scraped the exposition a few times. */
    PrometheusServer prometheus() {
        if (exporter == null) {
            exporter = exporter();
        }
        if (prometheus == null) {
            String target = exporter.getAddress().getAddress().getHostAddress() + ":" + exporter.getAddress().getPort();
            prometheus = PrometheusServer.start(List.of(target));
            prometheus.awaitScrapes(target, SCRAPES_BEFORE_QUERYING, Duration.ofSeconds(60));
        }
        return prometheus;
    }

    /** Serves {@link ServingExposition} where the server serves its metrics, one scrape further each time. */
    private static HttpServer exporter() {
        AtomicInteger scrapes = new AtomicInteger();
        try {
            HttpServer exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            exporter.createContext("/actuator/prometheus", exchange -> {
                byte[] body = ServingExposition.render(scrapes.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            exporter.start();
            return exporter;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (exporter != null) {
            exporter.stop(0);
        }
    }
}
