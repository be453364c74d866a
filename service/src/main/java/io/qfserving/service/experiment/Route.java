package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;

/**
 * Where one request goes.
 *
 * @param experiment the experiment's (public model) name
 * @param revision the revision of the experiment that routed it, where its events are counted
 * @param variant the chosen arm's name; responses and metrics report it
 * @param model the model (and version, or null for the newest) that answers
 * @param assignment how the arm was chosen
 * @param shadow the model this request is also mirrored to, or null when it is not mirrored
 */
public record Route(String experiment, long revision, String variant, ModelRef model, Assignment assignment, ModelRef shadow) {

    public enum Assignment {
        /** The client pinned the arm by name. */
        OVERRIDE,
        /** Chosen by hashing the client's key: the same key gets the same arm while the weights stay. */
        STICKY,
        /** Drawn at random in proportion to the weights. */
        WEIGHTED
    }

    public boolean mirrored() {
        return shadow != null;
    }

    /** Where this request's events are counted, once {@code version} of the variant's model served it. */
    public CounterKey counters(String version) {
        return CounterKey.served(experiment, revision, variant, version);
    }
}
