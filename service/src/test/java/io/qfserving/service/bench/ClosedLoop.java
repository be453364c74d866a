package io.qfserving.service.bench;

import com.sun.management.OperatingSystemMXBean;
import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Closed-loop load: {@code concurrency} clients, each sending its next request as soon as the last
 * one answered, over a set of images, for a fixed time after a warm-up. What the benchmarks share.
 */
final class ClosedLoop implements AutoCloseable {

    /**
     * One measured cell: requests completed in the window, their latencies, the CPU time this process
     * used meanwhile (server and load generator share the JVM and the cores), and the part of it spent
     * on the calling threads: for HTTP and gRPC that is the load generator, which a real client would
     * run elsewhere; for the raw and in-process pipelines it is the pipeline's own work.
     */
    record Result(String mode, int concurrency, int requests, double seconds, long[] nanos, double cpuSeconds,
            double callerCpuSeconds) {

        double throughput() {
            return requests / seconds;
        }

        /** CPU milliseconds per completed request: what a mode costs, apart from how busy the cores were. */
        double cpuMillisPerRequest() {
            return cpuSeconds * 1e3 / requests;
        }

        /** CPU milliseconds per request spent on the calling threads (see the record's description). */
        double callerCpuMillisPerRequest() {
            return callerCpuSeconds * 1e3 / requests;
        }

        /** Share of all cores' time this process kept busy; well under 1 means requests waited, not worked. */
        double utilisation() {
            return cpuSeconds / (seconds * CORES);
        }

        double percentileMillis(double p) {
            return nanos.length == 0 ? Double.NaN : nanos[Math.min(nanos.length - 1, (int) (p * nanos.length))] / 1e6;
        }

        /** The rounds of one cell as one measurement: their requests, time and latencies together. */
        static Result merge(List<Result> rounds) {
            long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.nanos())).sorted().toArray();
            return new Result(rounds.getFirst().mode(), rounds.getFirst().concurrency(), rounds.stream().mapToInt(Result::requests).sum(),
                    rounds.stream().mapToDouble(Result::seconds).sum(), all, rounds.stream().mapToDouble(Result::cpuSeconds).sum(),
                    rounds.stream().mapToDouble(Result::callerCpuSeconds).sum());
        }

        String line() {
            return String.format(Locale.ROOT, "  %-12s c=%-2d %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  cpu %5.2f ms/req"
                    + " (callers %4.2f)  busy %3.0f%%", mode, concurrency, throughput(), percentileMillis(0.5), percentileMillis(0.99),
                    cpuMillisPerRequest(), callerCpuMillisPerRequest(), 100 * utilisation());
        }
    }

    /** One client call; returns normally only on success. */
    interface Call {
        void run(byte[] image) throws Exception;
    }

    private static final OperatingSystemMXBean PROCESS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final List<byte[]> images;
    private final double seconds;
    private final double warmup;
    /** Keep-alive connections with TCP_NODELAY, as curl and most HTTP clients use them. */
    private final CloseableHttpClient http = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnPerRoute(256).setMaxConnTotal(256)
                    .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                    .build())
            .build();

    /** Settings from system properties: {@code bench.seconds} per round (5), {@code bench.warmup} before each (2). */
    ClosedLoop() throws IOException {
        this.images = images();
        this.seconds = Double.parseDouble(System.getProperty("bench.seconds", "5"));
        this.warmup = Double.parseDouble(System.getProperty("bench.warmup", "2"));
    }

    /** Seconds each measured round lasts. */
    double seconds() {
        return seconds;
    }

    String describe() {
        return String.format(Locale.ROOT, "%d images, %d cores, rounds of %.0f s after %.0f s of warm-up", images.size(), CORES,
                seconds, warmup);
    }

    /**
     * Load that is not measured, in slices of {@code slice} seconds, until the JIT has settled: a slice in
     * which the compilers took under 1% of the cores' time, or {@code limit} seconds. The HTTP and gRPC
     * paths run through far more code than the raw pipeline (Tomcat, Spring, Jackson, Netty); on 2 cores
     * a fixed 20-25 s left C2 with 8-12% of the CPU during measurement, and HTTP at 0.54-0.56 of raw
     * instead of 0.72.
     *
     * @return seconds of load it took
     */
    double warmUp(String mode, int concurrency, Call call, double slice, double limit) throws Exception {
        return untilJitSettles(COMPILER::getTotalCompilationTime, CORES,
                seconds -> run(mode, concurrency, call, seconds).seconds(), slice, limit);
    }

    /** Milliseconds a JVM's compilers have spent so far. */
    interface CompilerTime {
        double millis() throws Exception;
    }

    /** Unmeasured load for about the seconds asked; answers the seconds it ran. */
    interface Slice {
        double run(double seconds) throws Exception;
    }

    /**
     * Slices of load until one in which the compilers took under 1% of {@code cores} cores' time, or
     * {@code limit} seconds in all; answers the seconds of load it took.
     */
    static double untilJitSettles(CompilerTime compiler, double cores, Slice load, double slice, double limit)
            throws Exception {
        double elapsed = 0;
        while (elapsed < limit) {
            double compiling = compiler.millis();
            double ran = load.run(Math.min(slice, limit - elapsed));
            elapsed += ran;
            if ((compiler.millis() - compiling) / 1e3 / (ran * cores) < 0.01) {
                break;
            }
        }
        return elapsed;
    }

    /** A warm-up, then one measured round. */
    Result measure(String mode, int concurrency, Call call) throws Exception {
        run(mode, concurrency, call, warmup);
        return run(mode, concurrency, call, seconds);
    }

    private Result run(String mode, int concurrency, Call call, double duration) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<List<Long>> latencies = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        LongAdder callerCpu = new LongAdder();
        for (int c = 0; c < concurrency; c++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            int offset = c;
            clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                try {
                    start.await();
                    long cpuAtStart = THREADS.getCurrentThreadCpuTime();
                    long cpuInWindow = cpuAtStart;
                    for (int i = offset; running.get(); i += concurrency) {
                        long t0 = System.nanoTime();
                        call.run(images.get(i % images.size()));
                        if (running.get()) {
                            mine.add(System.nanoTime() - t0);
                            cpuInWindow = THREADS.getCurrentThreadCpuTime();
                        }
                    }
                    callerCpu.add(cpuInWindow - cpuAtStart);
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        long cpu0 = PROCESS.getProcessCpuTime();
        long t0 = System.nanoTime();
        start.countDown();
        Thread.sleep((long) (duration * 1000));
        running.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = (PROCESS.getProcessCpuTime() - cpu0) / 1e9;
        for (Thread client : clients) {
            client.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(mode + " failed: " + failures.getFirst(), failures.getFirst());
        }
        long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
        return new Result(mode, concurrency, all.length, elapsed, all, cpu, callerCpu.sum() / 1e9);
    }

    /**
     * One classify call over a pooled keep-alive connection (Apache HttpClient's blocking client: it
     * sends on the calling thread, so the load generator adds little work of its own to the cores it
     * shares with the server; the asynchronous java.net.http client cost several milliseconds per call).
     */
    void post(URI uri, byte[] image, Map<String, String> headers) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(image, ContentType.IMAGE_JPEG));
        headers.forEach(post::setHeader);
        http.execute(post, response -> {
            byte[] bytes = EntityUtils.toByteArray(response.getEntity());
            if (response.getCode() != 200) {
                throw new IllegalStateException("HTTP " + response.getCode() + ": " + new String(bytes, StandardCharsets.UTF_8));
            }
            return bytes;
        });
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    /** The benchmark photos ({@code bench.images}, else the shared data's photos). */
    static final Path PHOTOS =
            Path.of(System.getProperty("bench.images", System.getProperty("qf.data.dir", "../../shared/data") + "/photos"));

    /** The benchmark photos when present (realistic decode cost), else generated scenes of their size. */
    private static List<byte[]> images() throws IOException {
        Path folder = PHOTOS;
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
