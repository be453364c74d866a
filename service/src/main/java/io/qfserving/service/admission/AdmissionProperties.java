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
 * @param initialLimit requests in progress allowed at start, before latencies have been seen
 * @param minLimit the fewest the limit goes down to
 * @param maxLimit the most it goes up to. The gradient's baseline latency follows the load, so under
 *     sustained overload the limit climbs to this maximum and requests queue behind it: measured on
 *     2 cores at 1.2-1.4x the capacity (OperatorScenarios overload), a maximum of 64 held 51-64 in
 *     progress and tripled the accepted p99, 24 kept 92% of the capacity at 1.45x the p99 at
 *     capacity. Raise it with the cores
 * @param rttTolerance how much longer than the no-load latency a request may take before the limit
 *     shrinks (3.0: three times as long); batching and decoding queue by design. Measured on 2 cores
 *     under 1.6x the capacity: minimum 12 or 16 and tolerance 3 kept accepted throughput at the
 *     capacity, minimum 8 and tolerance 2 at 84% of it (the limit settled at 14). The minimum of 16
 *     is the concurrency at which the server reaches its capacity, so steady load up to it is never refused
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
        @Min(1) @DefaultValue("16") int initialLimit,
        @Min(1) @DefaultValue("16") int minLimit,
        @Min(1) @DefaultValue("24") int maxLimit,
        @DecimalMin("1.0") @DefaultValue("3.0") double rttTolerance,
        @DefaultValue("10s") Duration bodyTimeout,
        @DefaultValue("256MB") DataSize maxReceiving,
        @DefaultValue("32KB") DataSize readBuffer) {

    @AssertTrue(message = "read-buffer must be between 1KB and 1MB")
    boolean isReadBufferSensible() {
        return readBuffer.toBytes() >= 1024 && readBuffer.toBytes() <= 1024 * 1024;
    }

    @AssertTrue(message = "the limits must be ordered: min-limit <= initial-limit <= max-limit")
    boolean isLimitsOrdered() {
        return minLimit <= initialLimit && initialLimit <= maxLimit;
    }
}
