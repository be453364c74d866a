package io.qfserving.service.bench;

import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Engines;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * The least latency that queueing alone allows, against which the overload scenario's p99 bar (3x
 * a single client's) can be read. Each photo's own work is measured on one thread: its
 * preprocessing at the scale the server uses, then the default model's inference at batch 1 (the
 * median of several rounds). Cores that serve requests in arrival order and add nothing of their
 * own (no transport, collector or scheduler) are then simulated for closed loops of 1 to 8
 * clients a core, on one core and on two, each client posting the photos in turn. An admission
 * limit of n a core keeps at most n requests in progress a core, as such a closed loop does, so
 * the loop's p99 is the least accepted p99 that limit allows under overload.
 *
 * <pre>./mvnw -q -pl service -Pbench test-compile exec:java -Dbench.main=io.qfserving.service.bench.QueueingBound</pre>
 */
final class QueueingBound {

    private static final int ROUNDS = 9;
    private static final int REQUESTS_SIMULATED = 200_000;
    private static final Path MODEL =
            Path.of(System.getProperty("bench.repository", "../models/repository"), "qf-mobilenet-v1-int8", "1");

    private QueueingBound() {}

    public static void main(String[] args) throws Exception {
        if (!Files.isDirectory(ClosedLoop.PHOTOS)) {
            System.out.println("SKIPPED: no photos at " + ClosedLoop.PHOTOS.toAbsolutePath() + " (set -Dqf.data.dir)");
            return;
        }
        double[] work = workMillis(OperatorScenarios.photos());
        double[] sorted = work.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%d photos, one thread: own work %.2f ms mean, %.2f ms median, %.2f ms the largest%n",
                work.length, Arrays.stream(work).average().orElseThrow(), sorted[sorted.length / 2], sorted[sorted.length - 1]);
        double single = percentile(closedLoop(work, 1, 1), 99);
        for (int cores = 1; cores <= 2; cores++) {
            System.out.printf(Locale.ROOT, "%d core(s) serving in arrival order, adding nothing: closed loops of n clients a core%n",
                    cores);
            for (int perCore = 1; perCore <= 8; perCore++) {
                double[] latencies = closedLoop(work, perCore * cores, cores);
                double p99 = percentile(latencies, 99);
                System.out.printf(Locale.ROOT, "  n=%d: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms = %.2fx one client's%n", perCore,
                        percentile(latencies, 50), percentile(latencies, 90), p99, p99 / single);
            }
        }
    }

    /** Each photo's preprocessing and batch-1 inference on this thread, the median of the rounds after a warm-up round. */
    private static double[] workMillis(List<byte[]> photos) throws Exception {
        ModelManifest manifest = ModelManifest.read(MODEL);
        ModelManifest.Preprocessing p = manifest.preprocessing();
        try (ImagePreprocessor preprocessor = new ImagePreprocessor(p.height(), p.width(), p.normalization());
                Classifier classifier = Engines.open(MODEL, manifest, manifest.primaryArtifact(), 1)) {
            int[] scales = DecodeScalingCeiling.serverScales(photos, preprocessor);
            double[][] rounds = new double[photos.size()][ROUNDS];
            for (int round = -1; round < ROUNDS; round++) {
                for (int i = 0; i < scales.length; i++) {
                    long start = System.nanoTime();
                    classifier.scores(List.of(preprocessor.apply(photos.get(i), scales[i])));
                    if (round >= 0) {
                        rounds[i][round] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            double[] work = new double[photos.size()];
            for (int i = 0; i < work.length; i++) {
                Arrays.sort(rounds[i]);
                work[i] = rounds[i][ROUNDS / 2];
            }
            return work;
        }
    }

    /**
     * Latencies of a closed loop on {@code cores} cores serving in arrival order: each client sends its
     * next photo as soon as its previous one is answered, client c starting at photo c * photos /
     * clients, and each request in the order sent takes the core that frees first.
     */
    static double[] closedLoop(double[] work, int clients, int cores) {
        record Sent(double at, long order, int client) {}
        PriorityQueue<Sent> waiting = new PriorityQueue<>(Comparator.comparingDouble(Sent::at).thenComparingLong(Sent::order));
        PriorityQueue<Double> freeAt = new PriorityQueue<>();
        int[] next = new int[clients];
        for (int c = 0; c < clients; c++) {
            next[c] = c * work.length / clients;
            waiting.add(new Sent(0, c, c));
        }
        for (int core = 0; core < cores; core++) {
            freeAt.add(0.0);
        }
        double[] latencies = new double[REQUESTS_SIMULATED];
        for (int served = 0; served < latencies.length; served++) {
            Sent request = waiting.poll();
            double done = Math.max(freeAt.poll(), request.at()) + work[next[request.client()]];
            freeAt.add(done);
            latencies[served] = done - request.at();
            next[request.client()] = (next[request.client()] + 1) % work.length;
            waiting.add(new Sent(done, clients + served, request.client()));
        }
        return latencies;
    }

    /** The p-th percentile by nearest rank: the least value that at least p% of the values do not exceed. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
