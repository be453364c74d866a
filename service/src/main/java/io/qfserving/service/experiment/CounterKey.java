package io.qfserving.service.experiment;

/**
 * Where an event is counted: one variant of one revision of an experiment, while particular model
 * versions serve it, so that its statistics restart when a version changes (a hot reload or a new
 * release) even within one revision.
 *
 * @param versions the version of the variant's model ({@code 3}) for what the variant served; for
 *     shadow comparisons and paired feedback, that version and the shadow model's ({@code 3~2})
 */
public record CounterKey(String experiment, long revision, String variant, String versions) {

    /** The variant's own counts while {@code version} of its model serves it. */
    public static CounterKey served(String experiment, long revision, String variant, String version) {
        return new CounterKey(experiment, revision, variant, version);
    }

    /** The counts of this variant's requests mirrored to {@code shadowVersion} of the shadow model. */
    public CounterKey shadowedBy(String shadowVersion) {
        return new CounterKey(experiment, revision, variant, versions + "~" + shadowVersion);
    }

    /** The name the stores count under within the experiment's revision: {@code variant@versions}. */
    public String tally() {
        return variant + "@" + versions;
    }
}
