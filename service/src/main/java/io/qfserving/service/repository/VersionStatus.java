package io.qfserving.service.repository;

/**
 * What the repository knows of one version folder.
 *
 * @param model the loaded version when {@code state} is READY, else null
 * @param reason why it failed, when {@code state} is FAILED, else null
 */
public record VersionStatus(String version, State state, ServedModel model, String reason) {

    public enum State {
        /** Loaded, warmed up and serving. */
        READY,
        /** Refused: it did not load or warm up. Retried when its files change. */
        FAILED,
        /** Its files changed moments ago (a copy in progress?): looked at again on the next scan. */
        PENDING,
        /** Works, but older than the versions the repository serves. */
        AVAILABLE
    }
}
