package io.qfserving.service.transport;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What every gRPC service reads the same way. */
public final class GrpcCalls {

    private GrpcCalls() {}

    /** The current call's deadline ({@code grpc-timeout}), or null when the client set none. */
    public static Deadline deadline() {
        return Context.current().getDeadline();
    }

    /** Time left before {@code deadline}, or null for none. */
    public static Duration timeLeft(Deadline deadline) {
        return deadline == null ? null : Duration.ofNanos(Math.max(1, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    }
}
