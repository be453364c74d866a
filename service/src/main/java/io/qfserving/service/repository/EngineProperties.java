package io.qfserving.service.repository;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How each loaded model version runs.
 *
 * @param threads intra-op threads of each engine session (TensorFlow and ONNX Runtime alike); 0 lets
 *     the engine choose (one per core). One batch runs at a time per version while request threads
 *     decode the next images, so one thread per session keeps every core busy without the engines'
 *     pools competing (and spin-waiting) for them: on our 2-core machine 1 served HTTP classify at
 *     1.7x the throughput of 0 at concurrency 16 (ServingBenchmark). Raise it for large batches on
 *     many cores.
 * @param batching the dynamic batching queue in front of each version
 */
@Validated
@ConfigurationProperties("qf.engine")
public record EngineProperties(
        @Min(0) @DefaultValue("1") int threads,
        @Valid @DefaultValue Batching batching) {

    /**
     * @param maxBatchSize the most images one engine call takes
     * @param maxQueueDelay how long the oldest queued image may wait for a batch to fill; 0 runs
     *     whatever is queued as soon as the engine is free (Triton's default), which batches naturally
     *     under load without adding latency when idle
     * @param queueCapacity images that may wait per version; beyond it requests are refused at once
     *     (HTTP 429, gRPC RESOURCE_EXHAUSTED)
     * @param workers batches of one version that may run at once on its engine session (Triton's
     *     instance count, 2 by default for CPU models there too); with one, the cores that decoded a
     *     batch idle while it runs: on our 2-core machine 2 raised the in-process pipeline from 0.80
     *     to 0.91-0.93 of the raw one at concurrency 16 (qf-mobilenet-v1-int8, ServingBenchmark)
     */
    public record Batching(
            @Min(1) @DefaultValue("16") int maxBatchSize,
            @DefaultValue("0ms") Duration maxQueueDelay,
            @Min(1) @DefaultValue("64") int queueCapacity,
            @Min(1) @DefaultValue("2") int workers) {

        /** Checked at start-up, so a bad setting stops the server instead of failing every model's load. */
        @AssertTrue(message = "max-batch-size must not exceed queue-capacity: a full batch has to fit in the queue")
        boolean isBatchWithinQueue() {
            return maxBatchSize <= queueCapacity;
        }
    }
}
