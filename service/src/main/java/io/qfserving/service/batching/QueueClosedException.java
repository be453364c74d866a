package io.qfserving.service.batching;

/** Admission refused: the queue is closing (its model is being unloaded or the server is stopping). */
public final class QueueClosedException extends RuntimeException {

    public QueueClosedException() {
        super("the model's queue is shutting down");
    }
}
