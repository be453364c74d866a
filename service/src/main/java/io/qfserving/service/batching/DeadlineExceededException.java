package io.qfserving.service.batching;

import java.time.Duration;

/** The caller's deadline passed while its request waited in the queue; it was not run. */
public final class DeadlineExceededException extends RuntimeException {

    public DeadlineExceededException(Duration waited) {
        super("the request's deadline passed after " + waited.toMillis() + " ms in the queue");
    }
}
