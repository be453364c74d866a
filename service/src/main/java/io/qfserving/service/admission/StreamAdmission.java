package io.qfserving.service.admission;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import java.util.function.Supplier;

/**
 * Admission of each message of a streaming call by the limit whole calls take theirs from
 * ({@link Admission}): a stream, admitted once when it opens, could otherwise keep any number of
 * images in progress past the limit. A message refused at the limit fails alone, as an overload;
 * the stream goes on.
 */
public final class StreamAdmission {

    private final Admission admission;

    StreamAdmission(Admission admission) {
        this.admission = admission;
    }

    /** Runs {@code work} holding a permit; at the limit throws an {@link ErrorKind#OVERLOADED} ServingException instead. */
    public <T> T admit(Supplier<T> work) {
        if (!admission.enabled()) {
            return work.get();
        }
        Admission.Permit permit = admission.tryAcquire()
                .orElseThrow(() -> new ServingException(ErrorKind.OVERLOADED, Admission.REFUSAL));
        Admission.Outcome outcome = Admission.Outcome.OTHER;
        try {
            T result = work.get();
            outcome = Admission.Outcome.SUCCEEDED;
            return result;
        } catch (ServingException failure) {
            outcome = Admission.Outcome.of(failure.kind());
            throw failure;
        } finally {
            permit.release(outcome);
        }
    }
}
