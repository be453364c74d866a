package io.qfserving.service.repository;

/**
 * A request's hold on a model version: while it is open the version is not unloaded. Close it when
 * the request has its results (try-with-resources).
 */
public final class ModelLease implements AutoCloseable {

    private final ServedModel model;
    private boolean closed;

    ModelLease(ServedModel model) {
        this.model = model;
    }

    public ServedModel model() {
        return model;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.release();
        }
    }
}
