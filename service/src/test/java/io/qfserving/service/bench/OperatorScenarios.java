package io.qfserving.service.bench;

import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an operator sees, measured against the packaged server ({@code service/target/qf-serving.jar},
 * default settings, started here on free ports) from this separate JVM, over the 50 photos:
 * <ul>
 *   <li>{@code overload} (needs {@code wrk}): capacity (16 connections on a second server that admits
 *       them all, measured before and after the overload), then 60 s at twice that rate. Accepted throughput against capacity, latency by status, 5xx, the clients' 2xx
 *       count against the server's success counter, and what a refusal costs the server among accepted work.
 *   <li>{@code slow-senders}: 200 connections (half of them multipart uploads) trickle bodies at 1 byte/s for 30 s (reconnecting
 *       when the server cuts them off) while 4 clients classify and the probes are polled.
 *   <li>{@code decode-scaling} (needs {@code wrk}): a second server decodes JPEGs at a DCT scale; wrk
 *       with 16 connections against each in turn, and top-1 agreement and the largest probability
 *       change between the two, on the photos and on large generated scenes; first, on one
 *       thread without a server, the most that scaling could speed a request up ({@link DecodeScalingCeiling}).
 *   <li>{@code sigterm}: 32 clients classify; SIGTERM after 10 s; every request sent must get an
 *       answer (200, 429 or 503) until the process is gone. With no balancer in front, a client
 *       reconnects here after a closing response, and waits out a 503's {@code Retry-After}.
 *   <li>{@code refusals} (needs {@code wrk}): the server CPU one 429 costs alone, on a second server that
 *       admits one request at a time.
 *   <li>{@code startup}: seconds from the process start to ready, three starts one after another.
 * </ul>
 * Every server measured with wrk is first loaded until its JIT settles.
 * {@code ./mvnw -q -pl service -Pbench test-compile exec:java -Dbench.main=io.qfserving.service.bench.OperatorScenarios
 * -Dexec.args=overload} (after {@code ./mvnw -pl service -am package -DskipTests}).
 */
public final class OperatorScenarios {

    private static final Path JAR = Path.of(System.getProperty("bench.jar", "target/qf-serving.jar"));
    private static final Path REPOSITORY = Path.of(System.getProperty("bench.repository", "../models/repository"));
    private static final Path PHOTOS = ClosedLoop.PHOTOS;

    private static final int CONNECTIONS = 256;
    /**
     * Closed loops on the server under test, for comparison. Beyond the admission limit (4 per core
     * by default), wrk resends each refusal at once (it ignores {@code Retry-After}), and those
     * refusals take CPU from the accepted work.
     */
    private static final List<Integer> CLOSED_LOOPS = List.of(4, 16);
    /** An admission limit above 16 requests in progress, for throughput measured with 16 connections. */
    private static final List<String> UNREFUSED_16 = List.of("--qf.admission.max-limit=24");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<byte[]> photos;
    private final Server server;
    private final CloseableHttpClient http;

    private OperatorScenarios(Server server) throws IOException {
        photos = photos();
        this.server = server;
        this.http = HttpClients.custom().disableAutomaticRetries()
                // A fixed set of keep-alive connections, as clients behind a balancer have: requests
                // beyond it wait in the client (timed all the same), not in the server's accept queue.
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(CONNECTIONS)
                        .setMaxConnPerRoute(CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setSocketTimeout(Timeout.ofSeconds(30)).build()).build())
                .build();
    }

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "overload";
        if (!Files.isDirectory(PHOTOS)) {
            System.out.println("SKIPPED: no photos at " + PHOTOS.toAbsolutePath() + " (set -Dqf.data.dir)");
            return;
        }
        // Decode scaling is measured by throughput at 16 connections: admission lets them all in.
        try (Server server = Server.start(scenario.equals("decode-scaling") ? UNREFUSED_16 : List.of())) {
            OperatorScenarios scenarios = new OperatorScenarios(server);
            System.out.printf(Locale.ROOT, "%s: server ready in %.1f s (%s, %d photos, %d cores)%n", scenario, server.readySeconds,
                    JAR, scenarios.photos.size(), Runtime.getRuntime().availableProcessors());
            switch (scenario) {
                case "overload" -> scenarios.overload();
                case "slow-senders" -> scenarios.slowSenders();
                case "sigterm" -> scenarios.sigterm();
                case "decode-scaling" -> scenarios.decodeScaling();
                case "refusals" -> scenarios.refusals();
                case "startup" -> scenarios.startup();
                default ->
                    throw new IllegalArgumentException("scenarios: overload, slow-senders, sigterm, decode-scaling, refusals, startup");
            }
        }
        System.exit(0);
    }

    /**
     * The load comes from {@code wrk} (a separate, lean process: 256 connections with exponentially
     * distributed think times, their mean calibrated to offer twice the capacity); a sample of requests at 20/s from this JVM, sent
     * alongside, gives the latency of accepted and refused requests apart. {@code -Dbench.overload-runs=N}
     * measures it all N times on the same two servers and sums up how many runs met each bar: on a
     * shared machine one run says little.
     */
    private void overload() throws Exception {
        Wrk wrk = new Wrk(server.uri("/v1/classify"), PHOTOS);
        System.out.printf(Locale.ROOT, "server under test: JIT settled after %.0f s of load%n",
                warmUp(server, wrk, CLOSED_LOOPS.getFirst()));
        int runs = Integer.getInteger("bench.overload-runs", 1);
        List<OverloadFigures> figures = new ArrayList<>();
        try (Server everyoneIn = Server.start(UNREFUSED_16)) {
            Wrk unrefused = new Wrk(everyoneIn.uri("/v1/classify"), PHOTOS);
            System.out.printf(Locale.ROOT, "server that admits all 16: JIT settled after %.0f s of load%n",
                    warmUp(everyoneIn, unrefused, 16));
            for (int run = 1; run <= runs; run++) {
                System.out.printf(Locale.ROOT, "%noverload, run %d of %d%n", run, runs);
                figures.add(overloadRun(wrk, unrefused));
            }
        }
        if (runs > 1) {
            System.out.printf(Locale.ROOT, "%n%d runs: accepted %s%% of capacity (>= 90%% in %d); accepted p99 %sx a single client's"
                    + " (<= 3x in %d); 429 p99 %s ms (< 20 ms in %d); 5xx in %d; these four bars all met in %d%n", runs,
                    range(figures, OverloadFigures::acceptedPercent), count(figures, OverloadFigures::throughputMet),
                    range(figures, OverloadFigures::p99Ratio), count(figures, OverloadFigures::latencyMet),
                    range(figures, OverloadFigures::refusalP99), count(figures, OverloadFigures::refusalMet),
                    count(figures, f -> f.errors() > 0), count(figures, OverloadFigures::allMet));
        }
    }

    /**
     * wrk load until the server's JIT has settled: a 10 s slice in which its compilers used under 1%
     * of a core (at most 240 s). Before that the compilers take cores from the work measured: on one
     * core, from its start through its first minute of load, they took 23-25 s of the server's 84 s of CPU.
     */
    private static double warmUp(Server target, Wrk load, int connections) throws Exception {
        return ClosedLoop.untilJitSettles(target::compilationMillis, 1,
                seconds -> load.run(connections, 0, Duration.ofSeconds(Math.max(1, Math.round(seconds)))).seconds(), 10, 240);
    }

    /** One overload run's figures against the bars. */
    private record OverloadFigures(double acceptedPercent, double p99Ratio, double refusalP99, long errors) {

        boolean throughputMet() {
            return acceptedPercent >= 90;
        }

        boolean latencyMet() {
            return p99Ratio <= 3;
        }

        boolean refusalMet() {
            return refusalP99 < 20;
        }

        boolean allMet() {
            return throughputMet() && latencyMet() && refusalMet() && errors == 0;
        }
    }

    private static String range(List<OverloadFigures> figures, ToDoubleFunction<OverloadFigures> figure) {
        var stats = figures.stream().mapToDouble(figure).summaryStatistics();
        return String.format(Locale.ROOT, "%.1f-%.1f", stats.getMin(), stats.getMax());
    }

    private static long count(List<OverloadFigures> figures, Predicate<OverloadFigures> met) {
        return figures.stream().filter(met).count();
    }

    private OverloadFigures overloadRun(Wrk wrk, Wrk unrefused) throws Exception {
        Outcomes single = closedLoop(1, Duration.ofSeconds(15));
        Map<Integer, Sampled> closedLoops = new TreeMap<>();
        for (int connections : CLOSED_LOOPS) {
            closedLoops.put(connections, sampled(() -> wrk.run(connections, 0, Duration.ofSeconds(20)), Duration.ofSeconds(20)));
        }
        Sampled best = closedLoops.values().stream().max(Comparator.comparingDouble(Sampled::acceptedRate)).orElseThrow();
        double capacityBefore = unrefused.run(16, 0, Duration.ofSeconds(20)).rate(200);
        double target = 2 * capacityBefore;
        double delay = CONNECTIONS / target * 1000;
        for (int round = 0; round < 3; round++) {
            delay *= wrk.run(CONNECTIONS, delay, Duration.ofSeconds(10)).rate(0) / target;
        }
        double successesBefore = server.successes();
        Gauges limit = new Gauges(server, "qf_admission_limit", "qf_admission_in_progress");
        Thread sampling = Thread.ofPlatform().start(() -> limit.sample(Duration.ofSeconds(60)));
        double thinkMillis = delay;
        Sampled overload = sampled(() -> wrk.run(CONNECTIONS, thinkMillis, Duration.ofSeconds(60)), Duration.ofSeconds(60));
        sampling.join();
        double served = server.successes() - successesBefore;
        double capacityAfter = unrefused.run(16, 0, Duration.ofSeconds(20)).rate(200);
        double capacity = (capacityBefore + capacityAfter) / 2;
        double accepted = overload.acceptedRate();
        double offered = overload.load.rate(0) + overload.sample.sent() / overload.sample.seconds;
        System.out.println(Outcomes.HEADER);
        System.out.println(single.row("1 client"));
        System.out.println(best.sample.row("sample, best closed loop"));
        System.out.println(overload.sample.row("sample during overload"));
        closedLoops.forEach((connections, loop) -> System.out.printf(Locale.ROOT, "wrk closed loop, %d connections: %s%n",
                connections, loop.load));
        System.out.printf(Locale.ROOT, "capacity: wrk with 16 connections on a second server that admits them all, %.1f req/s"
                + " before the overload and %.1f after%n", capacityBefore, capacityAfter);
        System.out.printf(Locale.ROOT, "wrk overload (%d connections, think %.0f ms): %s%n", CONNECTIONS, delay, overload.load);
        System.out.println(best.sample.cpu("during the best closed loop"));
        System.out.println(overload.sample.cpu("during overload"));
        // The shallowest loop has the fewest refusals (the sample beside it may pass the limit): its CPU
        // per success, those few refusals in, is taken as what a success costs.
        Sampled shallowest = closedLoops.get(CLOSED_LOOPS.getFirst());
        double successCpu = shallowest.cpuMillisPerSuccess();
        double overloadCpu = overload.cpuMillisPerSuccess();
        double refused = overload.refusedRate();
        System.out.printf(Locale.ROOT, "server CPU: %.2f ms a success in the closed loop of %d (%.0f refused a second); under"
                + " overload %.2f ms a success with the refusals' CPU in, so a refusal %.3f ms all in (%.0f refused a second)%n",
                successCpu, CLOSED_LOOPS.getFirst(), shallowest.refusedRate(), overloadCpu,
                (overloadCpu - successCpu) * accepted / refused, refused);
        System.out.println("during the overload: " + limit);
        System.out.printf(Locale.ROOT, "offered %.0f req/s = %.2fx capacity (%.0f req/s)%n", offered, offered / capacity, capacity);
        System.out.printf(Locale.ROOT, "accepted throughput %.1f req/s = %.1f%% of capacity (bar >= 90%%), %.1f%% of the best"
                + " closed loop%n", accepted, 100 * accepted / capacity, 100 * accepted / best.acceptedRate());
        double p99 = overload.sample.percentile(200, 99);
        double p99Ratio = p99 / single.percentile(200, 99);
        System.out.printf(Locale.ROOT, "accepted p99 %.1f ms = %.2fx the best closed loop's, %.2fx a single client's (bar <= 3x)%n",
                p99, p99 / best.sample.percentile(200, 99), p99Ratio);
        double refusalP99 = overload.sample.percentile(429, 99);
        long errors = overload.load.count(500, 599) + overload.sample.count(500, 599);
        System.out.printf(Locale.ROOT,
                "429 p99 %.1f ms (bar < 20 ms); 5xx %d (bar 0); client 2xx %d, server successes %.0f (bar equal)%n",
                refusalP99, errors, overload.load.count(200, 299) + overload.sample.count(200, 299), served);
        return new OverloadFigures(100 * accepted / capacity, p99Ratio, refusalP99, errors);
    }

    /** What wrk measured and what the sample beside it saw. */
    private record Sampled(Wrk.Result load, Outcomes sample) {

        double acceptedRate() {
            return load.rate(200) + sample.accepted();
        }

        double refusedRate() {
            return load.rate(429) + sample.refused();
        }

        /**
         * The server's CPU over the successes: under overload that includes the refusals' CPU, which
         * is more than a refusal alone costs, as it also slows the work around it.
         */
        double cpuMillisPerSuccess() {
            return 1e3 * sample.serverCores() / acceptedRate();
        }
    }

    private Sampled sampled(java.util.concurrent.Callable<Wrk.Result> load, Duration duration) throws Exception {
        try (ExecutorService background = Executors.newSingleThreadExecutor()) {
            var running = background.submit(load);
            Outcomes sample = openLoop(20, duration);
            return new Sampled(running.get(), sample);
        }
    }

    private void slowSenders() throws Exception {
        closedLoop(4, Duration.ofSeconds(20));
        Outcomes quiet = closedLoop(4, Duration.ofSeconds(20));
        Probes quietProbes = new Probes(server);
        quietProbes.poll(Duration.ofSeconds(5));
        Trickle trickle = new Trickle(server.http, 200);
        Thread attack = Thread.ofPlatform().start(trickle);
        Probes probes = new Probes(server);
        Thread polling = Thread.ofPlatform().start(() -> probes.poll(Duration.ofSeconds(30)));
        Outcomes attacked = closedLoop(4, Duration.ofSeconds(30));
        polling.join();
        trickle.running.set(false);
        attack.join();
        System.out.println(Outcomes.HEADER);
        System.out.println(quiet.row("4 clients"));
        System.out.println(attacked.row("4 clients, 200 slow senders"));
        System.out.printf(Locale.ROOT, "slow senders: %d connections opened, %d bytes trickled, %d cut off by the server%n",
                trickle.connections.get(), trickle.bytes.get(), trickle.cutOff.get());
        System.out.printf(Locale.ROOT, "classify p99 %.1f ms under attack = %.2fx quiet (bar <= 2x); errors %d%n",
                attacked.percentile(200, 99), attacked.percentile(200, 99) / quiet.percentile(200, 99),
                attacked.count(300, 999) + attacked.failures());
        System.out.println("probes quiet:  " + quietProbes);
        System.out.println("probes attack: " + probes + " (bar: every answer within 1 s)");
    }

    /**
     * This server (full decoding, the default) against a second that decodes JPEGs at a DCT scale:
     * wrk throughput in turns, on the photos and on large generated scenes, then what the models answer
     * to the same images on both.
     */
    private void decodeScaling() throws Exception {
        Path scenesFolder = Files.createTempDirectory("scenes");
        List<byte[]> scenes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            scenes.add(TestImages.jpeg(TestImages.scene(1200 + 40 * i, 900 + 30 * i, i)));
            Files.write(scenesFolder.resolve(String.format(Locale.ROOT, "scene-%02d.jpg", i)), scenes.getLast());
        }
        Path defaultModel = REPOSITORY.resolve("qf-mobilenet-v1-int8").resolve("1");
        System.out.println("photos, the ceiling: " + DecodeScalingCeiling.measure(photos, defaultModel));
        System.out.println("generated scenes, the ceiling: " + DecodeScalingCeiling.measure(scenes, defaultModel));
        try (Server scaling =
                Server.start(Stream.concat(UNREFUSED_16.stream(), Stream.of("--qf.inference.decode-scaling=true")).toList())) {
            for (Path images : List.of(PHOTOS, scenesFolder)) {
                String name = images == PHOTOS ? "photos" : "generated scenes";
                Map<String, Wrk> wrk =
                        Map.of("scaled", new Wrk(scaling.uri("/v1/classify"), images), "full", new Wrk(server.uri("/v1/classify"), images));
                Map<String, Double> rates = new TreeMap<>();
                warmUp(scaling, wrk.get("scaled"), 16);
                warmUp(server, wrk.get("full"), 16);
                for (String mode : List.of("full", "scaled", "scaled", "full")) {
                    Wrk.Result result = wrk.get(mode).run(16, 0, Duration.ofSeconds(15));
                    rates.merge(mode, result.rate(200) / 2, Double::sum);
                    System.out.printf(Locale.ROOT, "wrk, 16 connections, %s, decode %s: %s%n", name, mode, result);
                }
                System.out.printf(Locale.ROOT, "%s: decode scaling on vs off %.1f vs %.1f req/s = %.2fx%n", name,
                        rates.get("scaled"), rates.get("full"), rates.get("scaled") / rates.get("full"));
            }
            for (String model : List.of("qf-mobilenet-v1-int8", "qf-mobilenet-v1", "qf-mobilenet-v2-int8")) {
                System.out.printf(Locale.ROOT, "%s, photos: %s%n", model, agreement(model, photos, scaling));
                System.out.printf(Locale.ROOT, "%s, generated scenes 1200x900 to 3160x2370: %s%n", model,
                        agreement(model, scenes, scaling));
            }
        }
    }

    /**
     * What a refusal costs the server alone: with a limit of one request in progress, wrk's 16
     * connections are mostly refused. The CPU of the requests admitted among them is taken off at the
     * rate one connection alone (never refused) measures. Among accepted work from many connections a
     * refusal costs more (the overload scenario prints that too).
     */
    private void refusals() throws Exception {
        try (Server limited = Server.start(List.of("--qf.admission.initial-limit=1", "--qf.admission.min-limit=1",
                "--qf.admission.max-limit=1"))) {
            Wrk wrk = new Wrk(limited.uri("/v1/classify"), PHOTOS);
            warmUp(limited, wrk, 16);
            double before = limited.cpuSeconds();
            Wrk.Result alone = wrk.run(1, 0, Duration.ofSeconds(15));
            double perSuccess = (limited.cpuSeconds() - before) / alone.count(200, 200);
            before = limited.cpuSeconds();
            Wrk.Result crowd = wrk.run(16, 0, Duration.ofSeconds(15));
            double cpu = limited.cpuSeconds() - before;
            int refused = crowd.count(429, 429);
            System.out.printf(Locale.ROOT, "1 connection: %s; %.3f ms of server CPU a success%n", alone, 1e3 * perSuccess);
            System.out.printf(Locale.ROOT, "16 connections: %s; the server used %.2f cores%n", crowd, cpu / crowd.seconds());
            System.out.printf(Locale.ROOT, "a refusal: %.3f ms of server CPU%n",
                    1e3 * (cpu - crowd.count(200, 200) * perSuccess) / refused);
        }
    }

    /** Seconds from the process start to a ready readiness probe, three starts one after another. */
    private void startup() throws Exception {
        server.stop();
        List<String> seconds = new ArrayList<>(List.of(String.format(Locale.ROOT, "%.1f", server.readySeconds)));
        for (int i = 0; i < 2; i++) {
            Server again = Server.start(List.of());
            seconds.add(String.format(Locale.ROOT, "%.1f", again.readySeconds));
            again.stop();
        }
        System.out.println("ready after " + String.join(", ", seconds) + " s");
    }

    /** Top-1 agreement and the largest change of any class's probability, this server against another. */
    private String agreement(String model, List<byte[]> images, Server other) throws IOException {
        int agreed = 0;
        double largestChange = 0;
        for (byte[] image : images) {
            Map<String, Double> here = scores(server, model, image);
            Map<String, Double> there = scores(other, model, image);
            agreed += top1(here).equals(top1(there)) ? 1 : 0;
            for (var score : here.entrySet()) {
                largestChange = Math.max(largestChange, Math.abs(score.getValue() - there.get(score.getKey())));
            }
        }
        return String.format(Locale.ROOT, "top-1 agreement %d of %d = %.1f%% (bar >= 99%%), largest probability change %.4f", agreed,
                images.size(), 100.0 * agreed / images.size(), largestChange);
    }

    private static String top1(Map<String, Double> scores) {
        return scores.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private Map<String, Double> scores(Server target, String model, byte[] image) throws IOException {
        HttpPost post = new HttpPost(target.uri("/v1/models/" + model + ":classify?top_k=1000"));
        post.setEntity(new ByteArrayEntity(image, ContentType.IMAGE_JPEG));
        return http.execute(post, response -> {
            JsonNode body = JSON.readTree(EntityUtils.toByteArray(response.getEntity()));
            if (response.getCode() != 200) {
                throw new IllegalStateException(model + " answered " + response.getCode() + ": " + body);
            }
            Map<String, Double> scores = new TreeMap<>();
            body.path("predictions").forEach(p -> scores.put(p.path("synset").asString(), p.path("score").asDouble()));
            return scores;
        });
    }

    private void sigterm() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Outcomes outcomes = new Outcomes();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger refusedConnections = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicLong signalled = new AtomicLong(Long.MAX_VALUE);
        List<Double> failedAt = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 32; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int i = client; running.get(); i++) {
                        long start = System.nanoTime();
                        try {
                            Answer answer = classify(photos.get(i % photos.size()));
                            outcomes.record(answer.status(), System.nanoTime() - start);
                            if (answer.status() == 503) {
                                LockSupport.parkNanos(Duration.ofSeconds(answer.retryAfterSeconds()).toNanos());
                            }
                        } catch (ConnectException refused) {
                            refusedConnections.incrementAndGet();
                            LockSupport.parkNanos(5_000_000);
                        } catch (IOException dropped) {
                            unanswered.incrementAndGet();
                            failedAt.add((System.nanoTime() - signalled.get()) / 1e9);
                            failures.computeIfAbsent(dropped.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                });
            }
            Thread.sleep(10_000);
            signalled.set(System.nanoTime());
            server.process.destroy();
            server.process.waitFor();
            double stopSeconds = (System.nanoTime() - signalled.get()) / 1e9;
            Thread.sleep(1_000);
            running.set(false);
            System.out.printf(Locale.ROOT, "SIGTERM under 32 clients: process exited %d after %.1f s%n", server.process.exitValue(),
                    stopSeconds);
        }
        System.out.printf(Locale.ROOT, "answered: 200 %d, 429 %d, 503 %d, other %d; sent without an answer %d %s (bar 0); "
                + "connections refused (nothing sent) %d%n", outcomes.count(200, 200), outcomes.count(429, 429), outcomes.count(503, 503),
                outcomes.count(0, 999) - outcomes.count(200, 200) - outcomes.count(429, 429) - outcomes.count(503, 503), unanswered.get(),
                failures, refusedConnections.get());
        System.out.println("seconds after the signal at which requests went unanswered: " + failedAt.stream().sorted()
                .map(t -> String.format(Locale.ROOT, "%.3f", t)).toList());
    }

    private record Answer(int status, long retryAfterSeconds) {}

    private Answer classify(byte[] photo) throws IOException {
        HttpPost post = new HttpPost(server.uri("/v1/classify"));
        post.setEntity(new ByteArrayEntity(photo, ContentType.IMAGE_JPEG));
        return http.execute(post, response -> {
            EntityUtils.consume(response.getEntity());
            Header retryAfter = response.getFirstHeader(HttpHeaders.RETRY_AFTER);
            return new Answer(response.getCode(), retryAfter == null ? 0 : Long.parseLong(retryAfter.getValue()));
        });
    }

    private Outcomes closedLoop(int clients, Duration duration) throws InterruptedException {
        Outcomes outcomes = new Outcomes();
        double[] cpu = cpuSeconds();
        long end = System.nanoTime() + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                pool.submit(() -> {
                    for (int i = client * 7; System.nanoTime() < end; i++) {
                        send(outcomes, photos.get(i % photos.size()), System.nanoTime());
                    }
                });
            }
        }
        return outcomes.finish(duration, cpu, cpuSeconds());
    }

    /** Requests at a fixed rate whatever the answers, each timed from when it was due (no coordinated omission). */
    private Outcomes openLoop(double rate, Duration duration) throws InterruptedException {
        Outcomes outcomes = new Outcomes();
        double[] cpu = cpuSeconds();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        AtomicInteger inFlight = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i * interval < duration.toNanos(); i++) {
                long due = start + i * interval;
                LockSupport.parkNanos(due - System.nanoTime());
                if (inFlight.get() >= 1000) {
                    outcomes.unsent.incrementAndGet();
                    continue;
                }
                byte[] photo = photos.get((int) (i % photos.size()));
                inFlight.incrementAndGet();
                pool.submit(() -> {
                    send(outcomes, photo, due);
                    inFlight.decrementAndGet();
                });
            }
        }
        return outcomes.finish(duration, cpu, cpuSeconds());
    }

    /** CPU seconds used so far by the server process and by this one. */
    private double[] cpuSeconds() {
        double serverCpu = server.cpuSeconds();
        double generatorCpu =
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        return new double[] {serverCpu, generatorCpu};
    }

    private void send(Outcomes outcomes, byte[] photo, long since) {
        try {
            outcomes.record(classify(photo).status(), System.nanoTime() - since);
        } catch (IOException e) {
            outcomes.failed.incrementAndGet();
        }
    }

    /** Every file of the photos folder, in name order. */
    static List<byte[]> photos() throws IOException {
        try (Stream<Path> files = Files.list(PHOTOS)) {
            return files.sorted().map(OperatorScenarios::read).toList();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Answers by status with their latencies. */
    private static final class Outcomes {

        static final String HEADER = String.format(Locale.ROOT, "%-34s %8s %8s %8s %8s %9s %9s %9s %9s", "load", "2xx/s", "429/s",
                "other", "failed", "2xx p50", "2xx p99", "429 p50", "429 p99");

        private final Map<Integer, List<Long>> nanosByStatus = new ConcurrentHashMap<>();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicLong unsent = new AtomicLong();
        private double seconds;
        private double serverCpu;
        private double generatorCpu;

        void record(int status, long nanos) {
            List<Long> list = nanosByStatus.computeIfAbsent(status, s -> new ArrayList<>());
            synchronized (list) {
                list.add(nanos);
            }
        }

        Outcomes finish(Duration duration, double[] cpuBefore, double[] cpuAfter) {
            seconds = duration.toNanos() / 1e9;
            serverCpu = cpuAfter[0] - cpuBefore[0];
            generatorCpu = cpuAfter[1] - cpuBefore[1];
            return this;
        }

        int count(int from, int to) {
            return nanosByStatus.entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() <= to).mapToInt(e -> e.getValue().size())
                    .sum();
        }

        int failures() {
            return failed.get();
        }

        int sent() {
            return count(0, 999) + failed.get();
        }

        double accepted() {
            return count(200, 299) / seconds;
        }

        double refused() {
            return count(429, 429) / seconds;
        }

        double serverCores() {
            return serverCpu / seconds;
        }

        /** Milliseconds; NaN when no answer had that status. */
        double percentile(int status, double p) {
            List<Long> list = nanosByStatus.getOrDefault(status, List.of());
            if (list.isEmpty()) {
                return Double.NaN;
            }
            return QueueingBound.percentile(list.stream().mapToDouble(Long::doubleValue).toArray(), p) / 1e6;
        }

        String cpu(String phase) {
            return String.format(Locale.ROOT, "%s: the server used %.2f cores, this JVM %.2f", phase, serverCores(),
                    generatorCpu / seconds);
        }

        String row(String load) {
            return String.format(Locale.ROOT, "%-34s %8.1f %8.1f %8d %8d %9.1f %9.1f %9.1f %9.1f", load, accepted(),
                    refused(),
                    count(0, 999) - count(200, 299) - count(429, 429), failed.get(), percentile(200, 50), percentile(200, 99),
                    percentile(429, 50), percentile(429, 99));
        }
    }

    /** Senders that send a body's headers, then one byte a second, and reconnect when cut off. */
    private static final class Trickle implements Runnable {

        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger cutOff = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        private final int port;
        private final Socket[] sockets;

        Trickle(int port, int senders) {
            this.port = port;
            this.sockets = new Socket[senders];
        }

        @Override
        public void run() {
            while (running.get()) {
                for (int i = 0; i < sockets.length; i++) {
                    try {
                        if (sockets[i] == null) {
                            sockets[i] = open(i);
                        } else if (sockets[i].getInputStream().available() > 0) {
                            // The server answered (408) and is closing the connection: come back.
                            cutOff.incrementAndGet();
                            sockets[i].close();
                            sockets[i] = open(i);
                        } else {
                            sockets[i].getOutputStream().write('x');
                            bytes.incrementAndGet();
                        }
                    } catch (IOException closed) {
                        cutOff.incrementAndGet();
                        sockets[i] = null;
                    }
                }
                LockSupport.parkNanos(1_000_000_000);
            }
            for (Socket socket : sockets) {
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // Closing anyway.
                }
            }
        }

        /** Every other sender uploads multipart, the rest a raw image. */
        private Socket open(int sender) throws IOException {
            Socket socket = new Socket("localhost", port);
            OutputStream out = socket.getOutputStream();
            String type = sender % 2 == 0 ? "image/jpeg" : "multipart/form-data; boundary=b";
            out.write(("POST /v1/classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type + "\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            connections.incrementAndGet();
            return socket;
        }
    }

    /** Liveness and readiness on the management port, and the protocol's liveness on the API port, polled. */
    private static final class Probes {

        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        private final Map<String, URI> probes = new TreeMap<>();
        private final Map<String, List<Long>> nanos = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

        Probes(Server server) {
            probes.put("liveness", server.managementUri("/actuator/health/liveness"));
            probes.put("readiness", server.managementUri("/actuator/health/readiness"));
            probes.put("v2-live", server.uri("/v2/health/live"));
        }

        void poll(Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                probes.forEach((name, uri) -> {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            failures.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    }
                    nanos.computeIfAbsent(name, k -> new ArrayList<>()).add(System.nanoTime() - start);
                });
                LockSupport.parkNanos(200_000_000);
            }
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            probes.keySet().forEach(name -> {
                long[] sorted = nanos.getOrDefault(name, List.of()).stream().mapToLong(Long::longValue).sorted().toArray();
                text.append(String.format(Locale.ROOT, "%s %d polls, max %.1f ms, failed %d; ", name, sorted.length,
                        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
                        failures.getOrDefault(name, new AtomicInteger()).get()));
            });
            return text.toString();
        }
    }

    /** Gauges of the server, sampled twice a second. */
    private static final class Gauges {

        private final Server server;
        private final Map<String, Pattern> metrics = new TreeMap<>();
        private final Map<String, List<Double>> samples = new TreeMap<>();

        Gauges(Server server, String... names) {
            this.server = server;
            for (String name : names) {
                metrics.put(name, Server.metric(name));
            }
        }

        void sample(Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                try {
                    String exposition = server.exposition();
                    metrics.forEach((name, metric) -> Server.firstValue(metric, exposition)
                            .ifPresent(value -> samples.computeIfAbsent(name, k -> new ArrayList<>()).add(value)));
                } catch (IOException | InterruptedException e) {
                    return;
                }
                LockSupport.parkNanos(500_000_000);
            }
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            samples.forEach((name, values) -> text.append(String.format(Locale.ROOT, "%s min %.0f mean %.1f max %.0f; ", name,
                    values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN))));
            return text.toString();
        }
    }

    /** The packaged server as a child process on free ports. */
    private static final class Server implements AutoCloseable {

        private static final Pattern SUCCESSES = Pattern.compile(
                "^qf_requests_total\\{[^}]*outcome=\"success\"[^}]*transport=\"http\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);

        private static final Pattern COMPILATION = metric("jvm_compilation_time_ms_total");

        final Process process;
        final int http;
        final int management;
        double readySeconds;
        private final HttpClient client = HttpClient.newHttpClient();

        private Server(Process process, int http, int management) {
            this.process = process;
            this.http = http;
            this.management = management;
        }

        private static String key(String setting) {
            return setting.split("=", 2)[0];
        }

        static Server start(List<String> args) throws IOException, InterruptedException {
            int http = freePort();
            int management = freePort();
            int grpc = freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            Path log = JAR.toAbsolutePath().resolveSibling("scenario-server.log");
            long start = System.nanoTime();
            List<String> command = new ArrayList<>();
            // Cores of its own, e.g. -Dbench.server-cpus=0 with the scenario run under taskset -c 1: the load
            // generator then takes no CPU from the server, and the server none from the generator.
            String cpus = System.getProperty("bench.server-cpus", "");
            if (!cpus.isBlank()) {
                command.addAll(List.of("taskset", "-c", cpus));
            }
            command.add(java);
            // JVM flags to try, e.g. -Dbench.server-jvm-args=-XX:AOTCache=qf.aot
            command.addAll(words(System.getProperty("bench.server-jvm-args", "")));
            command.addAll(List.of("-jar", JAR.toString(), "--server.port=" + http,
                    "--management.server.port=" + management, "--spring.grpc.server.port=" + grpc, "--qf.repository.path=" + REPOSITORY));
            // Settings to try against the defaults, e.g. -Dbench.server-args=--qf.admission.max-limit=32; a
            // scenario's own setting of the same name wins (Spring would join the two values).
            List<String> scenarioKeys = args.stream().map(Server::key).toList();
            command.addAll(words(System.getProperty("bench.server-args", "")).stream()
                    .filter(setting -> !scenarioKeys.contains(key(setting))).toList());
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Server server = new Server(process, http, management);
            while (!server.ready()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server exited; see " + log.toAbsolutePath());
                }
                Thread.sleep(200);
            }
            server.readySeconds = (System.nanoTime() - start) / 1e9;
            return server;
        }

        private boolean ready() {
            try {
                return client.send(HttpRequest.newBuilder(managementUri("/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        URI uri(String path) {
            return URI.create("http://localhost:" + http + path);
        }

        URI managementUri(String path) {
            return URI.create("http://localhost:" + management + path);
        }

        /** The server's own count of successful HTTP requests, all models. */
        double successes() throws IOException, InterruptedException {
            Matcher matcher = SUCCESSES.matcher(exposition());
            double sum = 0;
            while (matcher.find()) {
                sum += Double.parseDouble(matcher.group(1));
            }
            return sum;
        }

        /** Milliseconds the server's JIT compilers have spent so far. */
        double compilationMillis() throws IOException, InterruptedException {
            return firstValue(COMPILATION, exposition())
                    .orElseThrow(() -> new IllegalStateException("the server publishes no jvm_compilation_time_ms_total"));
        }

        /** A metric's samples in the Prometheus exposition, whatever their labels; group 1 is the value. */
        static Pattern metric(String name) {
            return Pattern.compile("^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
        }

        /** The value of a metric's first sample, if the exposition has one. */
        static OptionalDouble firstValue(Pattern metric, String exposition) {
            Matcher matcher = metric.matcher(exposition);
            return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
        }

        /** CPU seconds the server process has used so far. */
        double cpuSeconds() {
            return process.info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
        }

        String exposition() throws IOException, InterruptedException {
            return client.send(HttpRequest.newBuilder(managementUri("/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }

        private static List<String> words(String line) {
            return Arrays.stream(line.split(" ")).filter(word -> !word.isBlank()).toList();
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }

        @Override
        public void close() {
            process.destroy();
        }

        /** Signals the server and waits until it has exited, so that the next one starts on idle cores. */
        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }
}
