package io.qfserving.service.repository;

import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.Scores;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.batching.BatchQueue;
import io.qfserving.service.batching.BatchingExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One loaded, warmed-up model version: its manifest, its engine, and the batching queue in front of
 * the engine. Requests hold a {@link ModelLease} while they use it; {@link #retire} stops new leases,
 * waits for the held ones, then drains the queue and frees the engine, so unloading never drops
 * accepted work.
 */
public final class ServedModel {

    /** One image's scores. */
    public record ScoreRow(float[] logits, float[] probabilities) {}

    private final String name;
    private final String version;
    private final Path directory;
    private final ModelManifest manifest;
    private final Classifier classifier;
    private final BatchingExecutor<float[], ScoreRow> executor;
    private final Duration warmup;
    private int leases;
    private boolean retired;

    /** Takes ownership of {@code classifier} and starts the version's {@code workers} batching workers. */
    ServedModel(String name, String version, Path directory, ModelManifest manifest, Classifier classifier,
            BatchQueue.Settings batching, int workers, Clock clock, Duration warmup, RepositoryListener listener) {
        this.name = name;
        this.version = version;
        this.directory = directory;
        this.manifest = manifest;
        this.classifier = classifier;
        this.warmup = warmup;
        this.executor = new BatchingExecutor<>(name + "-v" + version, batching, workers, clock,
                images -> score(classifier, images), size -> listener.batchRan(this, size));
    }

    /** Runs a batch on the engine: the batching executor's handler. */
    private static List<ScoreRow> score(Classifier classifier, List<float[]> images) {
        Scores scores = classifier.scores(images);
        List<ScoreRow> rows = new ArrayList<>(scores.rows());
        for (int i = 0; i < scores.rows(); i++) {
            rows.add(new ScoreRow(scores.logits()[i], scores.probabilities()[i]));
        }
        return rows;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public Path directory() {
        return directory;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** "tensorflow" or "onnxruntime": the engine the primary artifact runs on. */
    public String engine() {
        return ModelManifest.SAVED_MODEL.equals(manifest.primaryArtifact().format()) ? "tensorflow" : "onnxruntime";
    }

    public Duration warmup() {
        return warmup;
    }

    public int queueDepth() {
        return executor.depth();
    }

    /** Queues preprocessed images (all or none are admitted); each future completes with that image's scores. */
    public List<CompletableFuture<BatchingExecutor.Outcome<ScoreRow>>> submit(List<float[]> images, Instant deadline) {
        return executor.submitAll(images, deadline);
    }

    synchronized boolean tryLease() {
        if (retired) {
            return false;
        }
        leases++;
        return true;
    }

    synchronized void release() {
        leases--;
        if (leases == 0) {
            notifyAll();
        }
    }

    /**
     * Refuses new leases, waits up to {@code patience} for held ones to end, then finishes the queued
     * work and frees the engine. Called once, by the repository.
     */
    void retire(Duration patience) {
        synchronized (this) {
            retired = true;
            long deadline = System.nanoTime() + patience.toNanos();
            long left;
            while (leases > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        executor.close();
        classifier.close();
    }

    @Override
    public String toString() {
        return name + " v" + version;
    }
}
