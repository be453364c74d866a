package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
import java.util.Optional;

/** Answers which version of a model serves a reference now: the report shows each variant's statistics for that version. */
@FunctionalInterface
public interface CurrentVersions {

    /** The version serving {@code ref} (its own version when pinned, else the newest ready one), or empty when none is. */
    Optional<String> of(ModelRef ref);
}
