package io.qfserving.service.admission;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.grpc.Status;
import io.qfserving.service.errors.ErrorKind;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one limit on inference requests in progress that HTTP and gRPC calls share
 * ({@link AdmissionProperties}). A request takes a permit once its body has arrived, just before
 * its work starts; a transport may refuse from the request line alone when no
 * permit would be left anyway ({@link #refuseEarly()}). Finished requests tell the limit how the server is doing: successes
 * by their latency, overload answers as drops. {@link AdmissionMetrics} publishes the limit, the requests
 * in progress and those refused.
 */
final class Admission {

    /** What a request made of its permit. */
    enum Outcome {
        SUCCEEDED,
        /** Refused or failed for lack of capacity (queue full, deadline passed, shutting down). */
        OVERLOADED,
        /** Anything else, which says nothing about capacity (bad input, client gone). */
        OTHER;

        /** The failures that say the server is short of capacity, in whichever form a transport reports them. */
        private static final Set<ErrorKind> CAPACITY = EnumSet.of(ErrorKind.OVERLOADED, ErrorKind.UNAVAILABLE, ErrorKind.DEADLINE_EXCEEDED);

        static Outcome of(ErrorKind failure) {
            return CAPACITY.contains(failure) ? OVERLOADED : OTHER;
        }

        static Outcome ofHttp(int status) {
            if (status < 400) {
                return SUCCEEDED;
            }
            return CAPACITY.stream().anyMatch(kind -> kind.http().value() == status) ? OVERLOADED : OTHER;
        }

        static Outcome ofGrpc(Status.Code code) {
            if (code == Status.Code.OK) {
                return SUCCEEDED;
            }
            return CAPACITY.stream().anyMatch(kind -> kind.grpc() == code) ? OVERLOADED : OTHER;
        }
    }

    /** Held while a request is in progress; {@link #release} exactly once. */
    interface Permit {
        void release(Outcome outcome);
    }

    static final String REFUSAL = "the server is at its limit of requests in progress; retry shortly";

    private final SimpleLimiter<Void> limiter;
    private final boolean enabled;
    private final LongAdder refused = new LongAdder();

    Admission(AdmissionProperties properties, int cores) {
        AdmissionProperties.Limits limits = properties.limits(cores);
        this.limiter = SimpleLimiter.newBuilder()
                .limit(Gradient2Limit.newBuilder().initialLimit(limits.initial()).minLimit(limits.min()).maxConcurrency(limits.max())
                        .rttTolerance(properties.rttTolerance()).build())
                .build();
        this.enabled = properties.enabled();
    }

    boolean enabled() {
        return enabled;
    }

    /** Requests allowed in progress, as the adaptive limit estimates it now. */
    int limit() {
        return limiter.getLimit();
    }

    int inProgress() {
        return limiter.getInflight();
    }

    /** Requests refused since the start. */
    long refused() {
        return refused.sum();
    }

    /** Whether a request arriving now would be refused; counts it as refused when so. */
    boolean refuseEarly() {
        if (limiter.getInflight() < limiter.getLimit()) {
            return false;
        }
        refused.increment();
        return true;
    }

    /** A permit, or empty (counted as refused) when the limit is reached. */
    Optional<Permit> tryAcquire() {
        Optional<Limiter.Listener> listener = limiter.acquire(null);
        if (listener.isEmpty()) {
            refused.increment();
            return Optional.empty();
        }
        Limiter.Listener admitted = listener.get();
        return Optional.of(outcome -> {
            switch (outcome) {
                case SUCCEEDED -> admitted.onSuccess();
                case OVERLOADED -> admitted.onDropped();
                case OTHER -> admitted.onIgnore();
            }
        });
    }
}
