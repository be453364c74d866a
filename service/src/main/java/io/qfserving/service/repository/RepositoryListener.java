package io.qfserving.service.repository;

/** Told of every change in the repository (metrics register and remove per-model meters here). */
public interface RepositoryListener {

    default void loaded(ServedModel model) {}

    default void retired(ServedModel model) {}

    default void failed(String model, String version, String reason) {}

    /** A batch of {@code size} images ran on {@code model}'s engine (called on its batching thread). */
    default void batchRan(ServedModel model, int size) {}
}
