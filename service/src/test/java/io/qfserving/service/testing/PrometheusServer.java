package io.qfserving.service.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus (the {@code prometheus} binary, as Debian packages it) on a free 127.0.0.1 port
 * with throw-away storage, scraping {@code /actuator/prometheus} of the given {@code host:port}
 * targets every second under the job {@value #JOB}. Tests query it as Grafana would.
 *
 * <p>Where no binary is installed, {@link #start} aborts the calling test (JUnit skips it, saying
 * why) instead of failing: CI installs it, a developer machine may not have it. Call it from a test
 * method (lazily, to share one server), not from {@code @BeforeAll}: Surefire reports an abort
 * there as no tests at all.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String JOB = "qf-serving";

    /** Generous: the build machine is shared, and Prometheus replays an (empty) write-ahead log first. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);

    /** One element of an instant query's result vector. */
    public record Sample(Map<String, String> labels, double value) {}

    private final Process process;
    private final Path directory;
    private final Http http;

    private PrometheusServer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.http = new Http(port);
    }

    /** Starts Prometheus scraping {@code targets} ({@code host:port}) and returns once it is ready. */
    public static PrometheusServer start(List<String> targets) {
        Path binary = LocalTools.binary("prometheus").orElse(null);
        if (binary == null) {
            Assumptions.abort("Prometheus is not installed (no prometheus on the PATH or in /usr/bin); "
                    + "install it (Debian: apt-get install prometheus) to run this test");
        }
        try {
            Path directory = Files.createTempDirectory("qf-prometheus");
            Path config = Files.writeString(directory.resolve("prometheus.yml"), config(targets));
            int port = LocalTools.freePort();
            Process process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + directory.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("prometheus.log").toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, directory, port);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String config(List<String> targets) {
        String quoted = targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
        return """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: [%s]
                """.formatted(JOB, quoted);
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.get("/-/ready").status() == 200) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // Keep polling until the deadline.
            }
            sleep(POLL);
        }
        String log = log();
        close();
        throw new IllegalStateException("Prometheus was not ready within " + READY_TIMEOUT + ":\n" + log);
    }

    /**
     * Evaluates {@code promql} now ({@code /api/v1/query}) and returns its result vector.
     *
     * @throws IllegalArgumentException with Prometheus's message when it refuses the query
     */
    public List<Sample> query(String promql) {
        Http.Response response = http.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = response.json();
        if (!"success".equals(body.path("status").asString())) {
            throw new IllegalArgumentException("Prometheus refused " + promql + ": "
                    + body.path("errorType").asString() + ": " + body.path("error").asString());
        }
        JsonNode data = body.path("data");
        if (!"vector".equals(data.path("resultType").asString())) {
            throw new IllegalArgumentException(promql + " is not an instant vector but a " + data.path("resultType").asString());
        }
        return data.path("result").valueStream().map(PrometheusServer::sample).toList();
    }

    private static Sample sample(JsonNode element) {
        Map<String, String> labels = new LinkedHashMap<>();
        element.path("metric").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asString()));
        return new Sample(labels, number(element.path("value").get(1).asString()));
    }

    /** Prometheus writes special values the Go way: {@code NaN}, {@code +Inf}, {@code -Inf}. */
    private static double number(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }

    /** How many times Prometheus has scraped {@code target} ({@code host:port}) successfully so far. */
    public int successfulScrapes(String target) {
        return query("sum_over_time(up{job=\"" + JOB + "\", instance=\"" + target + "\"}[1d])").stream()
                .mapToInt(sample -> (int) sample.value()).sum();
    }

    /**
     * Waits until Prometheus has scraped {@code target} successfully {@code scrapes} times in all;
     * {@code awaitScrapes(t, successfulScrapes(t) + 1, ...)} waits for one more, fresh scrape.
     */
    public void awaitScrapes(String target, int scrapes, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int seen;
        while ((seen = successfulScrapes(target)) < scrapes) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Prometheus scraped " + target + " successfully " + seen + " times, not "
                        + scrapes + ", within " + timeout + "; last scrape error: " + lastScrapeError(target));
            }
            sleep(POLL);
        }
    }

    /** The target's last scrape error as Prometheus reports it on {@code /api/v1/targets}, for failure messages. */
    private String lastScrapeError(String target) {
        return http.get("/api/v1/targets").json().path("data").path("activeTargets").valueStream()
                .filter(t -> target.equals(t.path("labels").path("instance").asString()))
                .map(t -> t.path("lastError").asString())
                .findFirst().orElse("(" + target + " is not among Prometheus's targets)");
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops Prometheus and deletes its configuration and storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
