package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
/** Answers, for validation, whether the server holds a model. */
@FunctionalInterface
public interface LoadedModels {

    /** Whether that model and version is loaded; for a ref without a version, whether any version is. */
    boolean isLoaded(ModelRef ref);
}
