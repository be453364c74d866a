package io.qfserving.service.repository;

import java.util.List;
import java.util.Optional;

/** A model folder and its versions, newest first. */
public record ModelStatus(String name, List<VersionStatus> versions) {

    /** The newest ready version, the one served when a request names no version. */
    public Optional<ServedModel> newestReady() {
        return versions.stream().filter(v -> v.state() == VersionStatus.State.READY).map(VersionStatus::model).findFirst();
    }

    /** Whether the named version is serving, or, for a null or empty version, any version. */
    public boolean isReady(String version) {
        return version == null || version.isEmpty()
                ? newestReady().isPresent()
                : version(version).map(v -> v.state() == VersionStatus.State.READY).orElse(false);
    }

    public Optional<VersionStatus> version(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }
}
