package io.qfserving.service.admission;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Admission of inference requests before any of their work is done: an adaptive limit on the
 * requests in progress (Netflix concurrency-limits, gradient algorithm), re-estimated from their
 * latencies, so that beyond capacity a request gets a fast 429 / RESOURCE_EXHAUSTED instead of a
 * slot in a slower queue; and bounds on receiving HTTP bodies, which happens before admission.
 *
 * @param enabled whether requests are admitted by the limit (off: every request is let in)
 * @param initialLimit requests in progress allowed at start, before latencies have been seen; 0: the
 *     maximum
 * @param minLimit the fewest the limit goes down to; 0: one per core (the fewest that keep every core busy),
 *     at most the maximum
 * @param maxLimit the most it goes up to; 0: four per core. The gradient's baseline latency follows the
 *     load, so under sustained overload the limit climbs to this maximum, and every request admitted
 *     waits behind the others in progress: with n per core, an admitted request takes about n times
 *     its own work. Measured on one core at twice the capacity (OperatorScenarios overload, the
 *     server pinned, its JIT settled): with a limit of 4 the accepted p99 was 3.2-3.8x a single
 *     client's, and 4 accepted 77-86% of what 16 all admitted served (there a refusal cost 0.3-0.6 ms
 *     of CPU, and with room for 4 the core stood idle 7-8% of the time); with 8 the p99 was 5.4x,
 *     with 16-24 9-13x. A limit counts the requests of every model together
 * @param rttTolerance how much longer than the no-load latency a request may take before the limit
 *     shrinks (3.0: three times as long); batching and decoding queue by design
 * @param bodyTimeout the most an HTTP body may take to arrive, from its headers to its last byte (408 past it)
 * @param maxReceiving the most memory all HTTP bodies being received or served may hold together
 *     (429 past it); one body holds at most its own limit ({@code qf.inference.max-image-size} or
 *     {@code max-request-size}), and a slow sender only what it has sent
 * @param readBuffer each HTTP connection's socket read buffer. Bodies are read through it, refused ones
 *     too (to the end, so the connection stays open): 32KB reads a 100 KB photo in 4 reads instead of
 *     Tomcat's default 8KB's 13, and measured a refusal at 0.12 ms of CPU instead of 0.16 ms
 */
@Validated
@ConfigurationProperties("qf.admission")
record AdmissionProperties(
        @DefaultValue("true") boolean enabled,
        @Min(0) @DefaultValue("0") int initialLimit,
        @Min(0) @DefaultValue("0") int minLimit,
        @Min(0) @DefaultValue("0") int maxLimit,
        @DecimalMin("1.0") @DefaultValue("3.0") double rttTolerance,
        @DefaultValue("10s") Duration bodyTimeout,
        @DefaultValue("256MB") DataSize maxReceiving,
        @DefaultValue("32KB") DataSize readBuffer) {

    @AssertTrue(message = "read-buffer must be between 1KB and 1MB")
    boolean isReadBufferSensible() {
        return readBuffer.toBytes() >= 1024 && readBuffer.toBytes() <= 1024 * 1024;
    }

    @AssertTrue(message = "the limits must be ordered: min-limit <= initial-limit <= max-limit (0: derived from the cores)")
    boolean isLimitsOrdered() {
        Limits limits = limits(Runtime.getRuntime().availableProcessors());
        return limits.min() <= limits.initial() && limits.initial() <= limits.max();
    }

    /** The limits on requests in progress, with those left at 0 derived from the cores this process may use. */
    Limits limits(int cores) {
        int max = maxLimit > 0 ? maxLimit : 4 * cores;
        return new Limits(minLimit > 0 ? minLimit : Math.min(cores, max), initialLimit > 0 ? initialLimit : max, max);
    }

    record Limits(int min, int initial, int max) {}
}
