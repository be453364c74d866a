package io.qfserving.service.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import io.qfserving.service.QfServingApplication;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.repository.EngineProperties;
import io.qfserving.service.repository.ModelRef;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Closed-loop load on the classify path, measured four ways on the same cores in one run: the raw
 * pipeline (decode + preprocess + inference, batch 1, no server; the server sits idle), the server's
 * own pipeline called in-process (its batching, leases and metrics, no transport), and the service
 * over HTTP and over gRPC, each at several concurrencies. The modes take turns in short rounds, so load from elsewhere on a shared machine falls on all of them alike. Prints
 * throughput, p50 and p99, and the ratio service / raw. Not a test: run it with
 * {@code ./mvnw -q -pl service -Pbench test-compile exec:java}.
 *
 * <p>Settings (system properties): {@code bench.model} (models to measure one after the other, comma-separated;
 * default qf-mobilenet-v1-int8),
 * {@code bench.concurrency} (1,4,16), {@code bench.rounds} per cell (3), {@code bench.modes}
 * (raw,in-process,http,grpc,wrk; wrk is HTTP from Debian's wrk, a process that shares neither JIT nor GC
 * with the server, beside the in-JVM clients, over the photos only), {@code bench.server.args} (extra server arguments, e.g. {@code --qf.engine.threads=0}),
 * {@code bench.repository}, {@code bench.jit-warmup} (the most seconds of unmeasured load per mode before a model's
 * first cell, while the JIT settles; 240), and those of {@link ClosedLoop}.
 */
public final class ServingBenchmark {

    /** Unmeasured load per mode before a model's first cell, at most this long (see {@link ClosedLoop#warmUp}). */
    private static final double JIT_WARMUP_SECONDS = Double.parseDouble(System.getProperty("bench.jit-warmup", "240"));
    private static final double JIT_WARMUP_SLICE_SECONDS = 10;

    private ServingBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> models = List.of(System.getProperty("bench.model", "qf-mobilenet-v1-int8").split(","));
        String repository = System.getProperty("bench.repository", "models/repository");
        int[] concurrencies =
                Arrays.stream(System.getProperty("bench.concurrency", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "3"));
        List<String> modes = List.of(System.getProperty("bench.modes", "raw,in-process,http,grpc,wrk").split(","));

        // Admission lets every client in, with a place to spare for a client whose next request arrives
        // before its last one has given its place back: this measures the pipeline and its transports, not refusals.
        int busiest = Arrays.stream(concurrencies).max().orElseThrow();
        List<String> serverArgs = new ArrayList<>(List.of("--server.port=0", "--spring.grpc.server.port=0",
                "--qf.repository.path=" + repository, "--qf.repository.poll-interval=0", "--logging.level.root=WARN",
                "--qf.admission.max-limit=" + (busiest + 1)));
        String extra = System.getProperty("bench.server.args", "");
        if (!extra.isBlank()) {
            serverArgs.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        try (ClosedLoop load = new ClosedLoop();
                ConfigurableApplicationContext server =
                        SpringApplication.run(QfServingApplication.class, serverArgs.toArray(String[]::new))) {
            EngineProperties engine = server.getBean(EngineProperties.class);
            System.out.printf("%s; %d rounds per cell, modes taking turns; server: %d engine thread(s), %d batch worker(s), "
                    + "batches up to %d, queue delay %s%n", load.describe(), rounds, engine.threads(), engine.batching().workers(),
                    engine.batching().maxBatchSize(), engine.batching().maxQueueDelay());
            for (String model : models) {
                measure(server, Path.of(repository, model, "1"), model, load, concurrencies, busiest, rounds, modes);
            }
        }
    }

    private static void measure(ConfigurableApplicationContext server, Path version, String model, ClosedLoop load,
            int[] concurrencies, int busiest, int rounds, List<String> modes) throws Exception {
        ModelManifest manifest = ModelManifest.read(version);
        ModelManifest.Preprocessing p = manifest.preprocessing();
        System.out.printf("%nmodel %s (%s, %s)%n", model, manifest.precision(), manifest.primaryArtifact().format());
        try (// The raw pipeline runs the engine as the server is configured to.
                Classifier classifier = Engines.open(version, manifest, manifest.primaryArtifact(),
                        server.getBean(EngineProperties.class).threads());
                ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization())) {
            Environment env = server.getEnvironment();
            URI uri = URI.create("http://localhost:" + env.getProperty("local.server.port") + "/v1/models/" + model + ":classify");
            ManagedChannel channel =
                    NettyChannelBuilder.forAddress("localhost", Integer.parseInt(env.getProperty("local.grpc.server.port")))
                            .usePlaintext().directExecutor().build();
            var stub = ClassificationServiceGrpc.newBlockingStub(channel);
            Map<String, ClosedLoop.Call> calls = new LinkedHashMap<>();
            calls.put("raw", image -> classifier.scores(List.of(preprocessor.apply(image))));
            InferenceService pipeline = server.getBean(InferenceService.class);
            calls.put("in-process", image -> pipeline.classify(ModelRef.newest(model), List.of(image), pipeline.deadline(null),
                    Origin.direct(Transport.EVALUATION)));
            calls.put("http", image -> load.post(uri, image, Map.of()));
            calls.put("grpc",
                    image -> stub.classify(ClassifyRequest.newBuilder().setModel(model).setImage(ByteString.copyFrom(image)).build()));
            calls.keySet().retainAll(modes);
            Wrk wrk = null;
            if (modes.contains("wrk") && Wrk.installed() && Files.isDirectory(ClosedLoop.PHOTOS)) {
                wrk = new Wrk(uri, ClosedLoop.PHOTOS);
                wrk.run(busiest, 0, Duration.ofSeconds(20));
            } else if (modes.contains("wrk")) {
                System.out.println("  wrk: skipped (needs wrk on the PATH and the photos at " + ClosedLoop.PHOTOS + ")");
            }
            Map<Integer, Double> wrkRates = new LinkedHashMap<>();
            try {
                for (var call : calls.entrySet()) {
                    double took = load.warmUp(call.getKey(), busiest, call.getValue(), JIT_WARMUP_SLICE_SECONDS, JIT_WARMUP_SECONDS);
                    System.out.printf(Locale.ROOT, "  %-12s JIT settled after %.0f s of load%n", call.getKey(), took);
                }
                Map<String, List<ClosedLoop.Result>> results = new LinkedHashMap<>();
                // The server's own batch-size histogram, registered when the version warmed up.
                DistributionSummary batchSizes =
                        server.getBean(MeterRegistry.class).get(MetricNames.BATCH_SIZE).tag("model", model).summary();
                for (int concurrency : concurrencies) {
                    Map<String, List<ClosedLoop.Result>> cell = new LinkedHashMap<>();
                    Map<String, Batches> batches = new LinkedHashMap<>();
                    for (int round = 0; round < rounds; round++) {
                        for (var call : calls.entrySet()) {
                            Batches before = Batches.of(batchSizes);
                            cell.computeIfAbsent(call.getKey(), k -> new ArrayList<>())
                                    .add(load.measure(call.getKey(), concurrency, call.getValue()));
                            batches.merge(call.getKey(), Batches.of(batchSizes).since(before), Batches::plus);
                        }
                        if (wrk != null) {
                            double rate = wrk.run(concurrency, 0, Duration.ofSeconds(Math.round(load.seconds()))).rate(200);
                            wrkRates.merge(concurrency, rate / rounds, Double::sum);
                        }
                    }
                    cell.forEach((mode, parts) -> {
                        ClosedLoop.Result merged = ClosedLoop.Result.merge(parts);
                        System.out.println(merged.line() + batches.get(mode).meanSize());
                        results.computeIfAbsent(mode, k -> new ArrayList<>()).add(merged);
                    });
                }
                if (results.containsKey("raw")) {
                    print(results, concurrencies);
                    for (int i = 0; i < concurrencies.length && !wrkRates.isEmpty(); i++) {
                        double rate = wrkRates.get(concurrencies[i]);
                        System.out.printf(Locale.ROOT, "wrk (external), %d connections: %.1f req/s = %.2fx raw%n", concurrencies[i], rate,
                                rate / results.get("raw").get(i).throughput());
                    }
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** Batches the server ran and the images in them, read from its own batch-size histogram. */
    private record Batches(double runs, double images) {

        static Batches of(DistributionSummary sizes) {
            return new Batches(sizes.count(), sizes.totalAmount());
        }

        Batches since(Batches earlier) {
            return new Batches(runs - earlier.runs, images - earlier.images);
        }

        Batches plus(Batches other) {
            return new Batches(runs + other.runs, images + other.images);
        }

        /** Empty where no batch ran: the raw pipeline calls its own engine session and leaves the server's idle. */
        String meanSize() {
            return runs == 0 ? "" : String.format(Locale.ROOT, "  batch %4.1f", images / runs);
        }
    }

    private static void print(Map<String, List<ClosedLoop.Result>> results, int[] concurrencies) {
        System.out.println();
        List<String> modes = List.copyOf(results.keySet());
        StringBuilder header = new StringBuilder("| concurrency |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String mode : modes) {
            header.append(" ").append(mode).append(" req/s | p50 / p99 ms |").append(mode.equals("raw") ? "" : " / raw |");
            rule.append("---|---|").append(mode.equals("raw") ? "" : "---|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (int i = 0; i < concurrencies.length; i++) {
            ClosedLoop.Result raw = results.get("raw").get(i);
            StringBuilder row = new StringBuilder("| " + concurrencies[i] + " |");
            for (String mode : modes) {
                ClosedLoop.Result r = results.get(mode).get(i);
                row.append(String.format(Locale.ROOT, " %.1f | %.2f / %.2f |", r.throughput(), r.percentileMillis(0.5),
                        r.percentileMillis(0.99)));
                if (!mode.equals("raw")) {
                    row.append(String.format(Locale.ROOT, " %.2f |", r.throughput() / raw.throughput()));
                }
            }
            System.out.println(row);
        }
    }
}
