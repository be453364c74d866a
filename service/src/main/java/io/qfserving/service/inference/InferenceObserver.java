package io.qfserving.service.inference;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.ServedModel;
import java.time.Duration;

/** Told of every request's end (metrics). */
public interface InferenceObserver {

    void served(Inference inference, Origin origin);

    /** @param model the version that was held, or null when the request failed before one was found */
    void failed(ModelRef requested, ServedModel model, ErrorKind kind, Duration elapsed, Origin origin);
}
