package io.qfserving.service.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.qfserving.models.data.ImagePreprocessor;
import io.qfserving.models.eval.Classifier;
import io.qfserving.models.eval.Engines;
import io.qfserving.models.export.ModelManifest;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.service.QfServingApplication;
import io.qfserving.service.repository.EngineProperties;
import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Closed-loop load on the classify path, measured three ways on the same cores in one run: the raw
 * pipeline in-process (decode + preprocess + inference, batch 1, no server; the server sits idle), the
 * service over HTTP, and the service over gRPC, each at several concurrencies. The three modes take
 * turns in short rounds, so load from elsewhere on a shared machine falls on all of them alike. Prints
 * throughput, p50 and p99, and the ratio service / raw. Not a test: run it with
 * {@code ./mvnw -q -pl service -Pbench test-compile exec:java}.
 *
 * <p>Settings (system properties): {@code bench.model} (default qf-mobilenet-v1-int8),
 * {@code bench.concurrency} (1,4,16), {@code bench.rounds} per cell (3), {@code bench.seconds}
 * measured per round (5), {@code bench.warmup} seconds before each round (2), {@code bench.images} (a folder of JPEGs; default
 * ../shared/data/photos, else generated 500x375 scenes), {@code bench.repository}, {@code bench.server.args}
 * (extra server arguments, e.g. {@code --qf.engine.threads=1}), {@code bench.modes} (raw,http,grpc).
 */
public final class ServingBenchmark {

    /** One measured cell: requests completed in the window and their latencies. */
    record Result(String mode, int concurrency, int requests, double seconds, long[] nanos) {

        double throughput() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            return nanos.length == 0 ? Double.NaN : nanos[Math.min(nanos.length - 1, (int) (p * nanos.length))] / 1e6;
        }

        /** The rounds of one cell as one measurement: their requests, time and latencies together. */
        static Result merge(List<Result> rounds) {
            long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.nanos())).sorted().toArray();
            return new Result(rounds.getFirst().mode(), rounds.getFirst().concurrency(), rounds.stream().mapToInt(Result::requests).sum(),
                    rounds.stream().mapToDouble(Result::seconds).sum(), all);
        }
    }

    /** One client call; returns normally only on success. */
    interface Call {
        void run(byte[] image) throws Exception;
    }

    private final List<byte[]> images;
    private final double seconds;
    private final double warmup;

    private ServingBenchmark(List<byte[]> images, double seconds, double warmup) {
        this.images = images;
        this.seconds = seconds;
        this.warmup = warmup;
    }

    public static void main(String[] args) throws Exception {
        String model = System.getProperty("bench.model", "qf-mobilenet-v1-int8");
        String repository = System.getProperty("bench.repository", "models/repository");
        int[] concurrencies = Arrays.stream(System.getProperty("bench.concurrency", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "3"));
        ServingBenchmark bench = new ServingBenchmark(images(), Double.parseDouble(System.getProperty("bench.seconds", "5")),
                Double.parseDouble(System.getProperty("bench.warmup", "2")));
        List<String> modes = List.of(System.getProperty("bench.modes", "raw,http,grpc").split(","));
        System.out.printf("model %s, %d images, %d cores; per cell %d rounds of %.0f s (+%.0f s warm-up), modes interleaved%n",
                model, bench.images.size(), Runtime.getRuntime().availableProcessors(), rounds, bench.seconds, bench.warmup);

        List<String> serverArgs = new ArrayList<>(List.of("--server.port=0", "--spring.grpc.server.port=0",
                "--qf.repository.path=" + repository, "--qf.repository.poll-interval=0", "--logging.level.root=WARN"));
        String extra = System.getProperty("bench.server.args", "");
        if (!extra.isBlank()) {
            serverArgs.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        Path version = Path.of(repository, model, "1");
        ModelManifest manifest = ModelManifest.read(version);
        ModelManifest.Preprocessing p = manifest.preprocessing();
        try (ConfigurableApplicationContext server = SpringApplication.run(QfServingApplication.class, serverArgs.toArray(String[]::new));
                // The raw pipeline runs the engine as the server is configured to.
                Classifier classifier = Engines.open(version, manifest, manifest.primaryArtifact(),
                        server.getBean(EngineProperties.class).threads());
                ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization())) {
            Environment env = server.getEnvironment();
            URL url = URI.create("http://localhost:" + env.getProperty("local.server.port") + "/v1/models/" + model + ":classify").toURL();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", Integer.parseInt(env.getProperty("local.grpc.server.port")))
                    .usePlaintext().directExecutor().build();
            var stub = ClassificationServiceGrpc.newBlockingStub(channel);
            Map<String, Call> calls = new LinkedHashMap<>();
            calls.put("raw", image -> classifier.scores(List.of(preprocessor.apply(image))));
            calls.put("http", image -> post(url, image));
            calls.put("grpc", image -> stub.classify(ClassifyRequest.newBuilder().setModel(model).setImage(ByteString.copyFrom(image)).build()));
            calls.keySet().retainAll(modes);
            try {
                Map<String, List<Result>> results = new LinkedHashMap<>();
                for (int concurrency : concurrencies) {
                    Map<String, List<Result>> cell = new LinkedHashMap<>();
                    for (int round = 0; round < rounds; round++) {
                        for (var call : calls.entrySet()) {
                            bench.run(call.getKey(), concurrency, call.getValue(), bench.warmup);
                            cell.computeIfAbsent(call.getKey(), k -> new ArrayList<>()).add(bench.run(call.getKey(), concurrency, call.getValue(), bench.seconds));
                        }
                    }
                    cell.forEach((mode, parts) -> {
                        Result merged = Result.merge(parts);
                        System.out.printf(Locale.ROOT, "  %-4s c=%-2d %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms%n", mode, concurrency,
                                merged.throughput(), merged.percentileMillis(0.5), merged.percentileMillis(0.99));
                        results.computeIfAbsent(mode, k -> new ArrayList<>()).add(merged);
                    });
                }
                if (results.keySet().containsAll(List.of("raw", "http", "grpc"))) {
                    print(results, concurrencies);
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /**
     * One classify call with the JDK's blocking client: it sends on the calling thread and keeps the
     * connection alive, so the load generator adds little work of its own to the cores it shares
     * with the server (the asynchronous java.net.http client cost several milliseconds per call).
     */
    private static void post(URL url, byte[] image) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "image/jpeg");
        connection.setFixedLengthStreamingMode(image.length);
        try (OutputStream body = connection.getOutputStream()) {
            body.write(image);
        }
        int status = connection.getResponseCode();
        try (InputStream answer = status == 200 ? connection.getInputStream() : connection.getErrorStream()) {
            byte[] bytes = answer.readAllBytes();
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status + ": " + new String(bytes));
            }
        }
    }

    /** {@code concurrency} clients, each sending its next request as soon as the last one answered. */
    private Result run(String mode, int concurrency, Call call, double duration) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<List<Long>> latencies = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            int offset = c;
            clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                try {
                    start.await();
                    for (int i = offset; running.get(); i += concurrency) {
                        long t0 = System.nanoTime();
                        call.run(images.get(i % images.size()));
                        if (running.get()) {
                            mine.add(System.nanoTime() - t0);
                        }
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        Thread.sleep((long) (duration * 1000));
        running.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        for (Thread client : clients) {
            client.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(mode + " failed: " + failures.getFirst(), failures.getFirst());
        }
        long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
        return new Result(mode, concurrency, all.length, elapsed, all);
    }

    private static void print(Map<String, List<Result>> results, int[] concurrencies) {
        System.out.println();
        System.out.println("| concurrency | raw req/s | HTTP req/s | gRPC req/s | HTTP / raw | gRPC / raw | raw p50 / p99 ms | HTTP p50 / p99 ms | gRPC p50 / p99 ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < concurrencies.length; i++) {
            Result raw = results.get("raw").get(i);
            Result http = results.get("http").get(i);
            Result grpc = results.get("grpc").get(i);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f |%n",
                    concurrencies[i], raw.throughput(), http.throughput(), grpc.throughput(),
                    http.throughput() / raw.throughput(), grpc.throughput() / raw.throughput(),
                    raw.percentileMillis(0.5), raw.percentileMillis(0.99), http.percentileMillis(0.5), http.percentileMillis(0.99),
                    grpc.percentileMillis(0.5), grpc.percentileMillis(0.99));
        }
    }

    /** The benchmark photos when present (realistic decode cost), else generated scenes of their size. */
    private static List<byte[]> images() throws IOException {
        Path folder = Path.of(System.getProperty("bench.images",
                System.getProperty("qf.data.dir", "../../shared/data") + "/photos"));
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                List<byte[]> photos = new ArrayList<>();
                for (Path file : files.filter(f -> f.toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")).sorted().toList()) {
                    photos.add(Files.readAllBytes(file));
                }
                System.out.println("images: " + photos.size() + " photos from " + folder.toAbsolutePath().normalize());
                return photos;
            }
        }
        System.out.println("images: " + folder + " is absent; using 50 generated 500x375 JPEG scenes");
        List<byte[]> generated = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            generated.add(TestImages.jpeg(TestImages.scene(500, 375, i)));
        }
        return generated;
    }
}
