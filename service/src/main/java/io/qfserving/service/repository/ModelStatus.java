package io.qfserving.service.repository;

import java.util.List;
import java.util.Optional;

/** A model folder and its versions, newest first. */
public record ModelStatus(String name, List<VersionStatus> versions) {

    /** The newest ready version, the one served when a request names no version. */
    public Optional<ServedModel> newestReady() {
        return versions.stream().filter(v -> v.state() == VersionStatus.State.READY).map(VersionStatus::model).findFirst();
    }

    public Optional<VersionStatus> version(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }
}
