package io.qfserving.service.bench;

import io.qfserving.service.QfServingApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What shadow traffic costs the primary: closed-loop HTTP classify on the {@code mobilenet-v2-ab}
 * experiment, pinned to its {@code qf-float} variant, with the experiment's shadow (QF int8) at 0% and
 * at 100% in alternating rounds of one run (switched through the admin API). Prints p50 and throughput
 * of each and the ratio, with the shadow copies compared and dropped in the 100% rounds, so a cheap
 * shadow cannot come from shadow work that never ran. Run it with
 * {@code ./mvnw -q -pl service -Pbench test-compile exec:java -Dbench.main=io.qfserving.service.bench.ShadowBenchmark}.
 *
 * <p>Settings: {@code bench.concurrency} (1,4), {@code bench.rounds} (3), and those of {@link ClosedLoop}.
 */
public final class ShadowBenchmark {

    private static final String TOKEN = "shadow-benchmark";
    private static final Pattern COUNTER =
            Pattern.compile("^qf_shadow_(comparisons|dropped)_total\\{[^}]*} ([0-9.E]+)$", Pattern.MULTILINE);

    private ShadowBenchmark() {}

    public static void main(String[] args) throws Exception {
        String repository = System.getProperty("bench.repository", "models/repository");
        int[] concurrencies =
                Arrays.stream(System.getProperty("bench.concurrency", "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "3"));
        try (ClosedLoop load = new ClosedLoop();
                ConfigurableApplicationContext server = SpringApplication.run(QfServingApplication.class, "--server.port=0",
                        "--spring.grpc.server.port=0", "--qf.repository.path=" + repository, "--qf.repository.poll-interval=0",
                        "--qf.admin.token=" + TOKEN, "--logging.level.root=WARN")) {
            System.out.printf(
                    "experiment mobilenet-v2-ab pinned to qf-float (qf-mobilenet-v2), shadow qf-int8; %s; %d rounds per setting%n",
                    load.describe(), rounds);
            String base = "http://localhost:" + server.getEnvironment().getProperty("local.server.port");
            String management = "http://localhost:" + server.getEnvironment().getProperty("local.management.port");
            URI classify = URI.create(base + "/v1/models/mobilenet-v2-ab:classify");
            HttpClient admin = HttpClient.newHttpClient();
            System.out.println(
                    "| concurrency | p50 ms, shadow 0% | p50 ms, shadow 100% | p50 ratio | req/s 0% | req/s 100% | shadow compared | shadow dropped |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int concurrency : concurrencies) {
                List<ClosedLoop.Result> off = new ArrayList<>();
                List<ClosedLoop.Result> on = new ArrayList<>();
                double[] before = shadowCounters(admin, management);
                for (int round = 0; round < rounds; round++) {
                    for (int percent : new int[] {0, 100}) {
                        setShadow(admin, base, percent);
                        (percent == 0 ? off : on).add(load.measure("shadow " + percent + "%", concurrency,
                                image -> load.post(classify, image, Map.of("X-Variant", "qf-float"))));
                    }
                }
                setShadow(admin, base, 0);
                Thread.sleep(2000);
                double[] after = shadowCounters(admin, management);
                ClosedLoop.Result a = ClosedLoop.Result.merge(off);
                ClosedLoop.Result b = ClosedLoop.Result.merge(on);
                System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.3f | %.1f | %.1f | %.0f | %.0f |%n", concurrency,
                        a.percentileMillis(0.5), b.percentileMillis(0.5), b.percentileMillis(0.5) / a.percentileMillis(0.5),
                        a.throughput(), b.throughput(), after[0] - before[0], after[1] - before[1]);
            }
        }
    }

    private static void setShadow(HttpClient admin, String base, int percent) throws IOException, InterruptedException {
        String experiment = """
                {"variants": [{"name": "baseline-float", "model": "mobilenet-v2", "weight": 25},
                              {"name": "baseline-int8", "model": "mobilenet-v2-int8", "weight": 25},
                              {"name": "qf-float", "model": "qf-mobilenet-v2", "weight": 25},
                              {"name": "qf-int8", "model": "qf-mobilenet-v2-int8", "weight": 25}],
                 "shadow": {"target": "qf-int8", "percent": %d}, "allow_override": true, "control": "baseline-float"}"""
                .formatted(percent);
        HttpResponse<String> response = admin.send(HttpRequest.newBuilder(URI.create(base + "/admin/experiments/mobilenet-v2-ab"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(experiment)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("cannot set the shadow: " + response.body());
        }
    }

    /** Shadow copies compared and dropped so far, from the server's own metrics. */
    private static double[] shadowCounters(HttpClient admin, String management) throws IOException, InterruptedException {
        String metrics = admin.send(HttpRequest.newBuilder(URI.create(management + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        double[] counts = new double[2];
        Matcher m = COUNTER.matcher(metrics);
        while (m.find()) {
            counts[m.group(1).equals("comparisons") ? 0 : 1] += Double.parseDouble(m.group(2));
        }
        return counts;
    }
}
