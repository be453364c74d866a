package io.qfserving.service.batching;

/** Admission refused: the model's queue holds its capacity already. Callers should retry later. */
public final class QueueFullException extends RuntimeException {

    public QueueFullException(int capacity) {
        super("the model's queue is full (" + capacity + " requests waiting); retry later");
    }
}
