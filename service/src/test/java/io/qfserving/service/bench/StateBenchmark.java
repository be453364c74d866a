package io.qfserving.service.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qfserving.service.QfServingApplication;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.testing.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What sharing experiment state through Redis costs a classify call: two servers in this JVM on the
 * same models, one keeping experiment state in memory and one in a real Redis on loopback, loaded in
 * alternating rounds of one run through the {@code mobilenet-v2-ab} experiment (pinned to its QF int8
 * variant, the fastest model, where a store round trip weighs most; shadow off). Prints p50 of each
 * and the ratio. Run it with
 * {@code ./mvnw -q -pl service -Pbench test-compile exec:java -Dbench.main=io.qfserving.service.bench.StateBenchmark}.
 *
 * <p>Settings: {@code bench.concurrency} (1,4), {@code bench.rounds} (3), and those of {@link ClosedLoop}.
 */
public final class StateBenchmark {

    private StateBenchmark() {}

    public static void main(String[] args) throws Exception {
        String repository = System.getProperty("bench.repository", "models/repository");
        int[] concurrencies =
                Arrays.stream(System.getProperty("bench.concurrency", "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "3"));
        try (RedisServer redis = RedisServer.start();
                ClosedLoop load = new ClosedLoop();
                ConfigurableApplicationContext memory = server(repository);
                ConfigurableApplicationContext shared = server(repository, "--spring.data.redis.url=" + redis.url())) {
            System.out.printf(
                    "experiment mobilenet-v2-ab pinned to qf-int8, shadow off; in-memory vs Redis on loopback; %s; %d rounds per setting%n",
                    load.describe(), rounds);
            URI inMemory = classify(memory);
            URI inRedis = classify(shared);
            Map<String, String> pinned = Map.of("X-Variant", "qf-int8");
            load.warmUp("memory", 4, image -> load.post(inMemory, image, pinned), 10, 120);
            load.warmUp("redis", 4, image -> load.post(inRedis, image, pinned), 10, 120);
            System.out.println(
                    "| concurrency | p50 ms, in memory | p50 ms, Redis | p50 ratio | p99 ms, in memory | p99 ms, Redis | req/s in memory | req/s Redis |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int concurrency : concurrencies) {
                List<ClosedLoop.Result> memoryRounds = new ArrayList<>();
                List<ClosedLoop.Result> redisRounds = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    memoryRounds.add(load.measure("memory", concurrency, image -> load.post(inMemory, image, pinned)));
                    redisRounds.add(load.measure("redis", concurrency, image -> load.post(inRedis, image, pinned)));
                }
                ClosedLoop.Result a = ClosedLoop.Result.merge(memoryRounds);
                ClosedLoop.Result b = ClosedLoop.Result.merge(redisRounds);
                System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.3f | %.2f | %.2f | %.1f | %.1f |%n", concurrency,
                        a.percentileMillis(0.5), b.percentileMillis(0.5), b.percentileMillis(0.5) / a.percentileMillis(0.5),
                        a.percentileMillis(0.99), b.percentileMillis(0.99), a.throughput(), b.throughput());
            }
            System.out.println("Redis keys after the run: " + redis.command("DBSIZE") + "; state errors: "
                    + shared.getBean(MeterRegistry.class).find(MetricNames.STATE_ERRORS).counters().stream()
                            .mapToDouble(Counter::count).sum());
        }
    }

    private static ConfigurableApplicationContext server(String repository, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.grpc.server.port=0", "--qf.repository.path=" + repository,
                "--qf.repository.poll-interval=0", "--qf.experiments.mobilenet-v2-ab.shadow.percent=0", "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return SpringApplication.run(QfServingApplication.class, args.toArray(String[]::new));
    }

    private static URI classify(ConfigurableApplicationContext server) {
        return URI.create(
                "http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/v1/models/mobilenet-v2-ab:classify");
    }
}
