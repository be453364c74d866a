package io.qfserving.service.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stable fingerprint of an experiment's definition: the same on every replica and across restarts
 * for the same configuration, different as soon as anything in it changes. Stored with each
 * experiment as the configuration it was written against.
 */
public final class ExperimentFingerprint {

    private ExperimentFingerprint() {}

    public static String of(Experiment experiment) {
        StringBuilder canonical = new StringBuilder(experiment.name()).append('\n');
        for (Variant v : experiment.variants()) {
            canonical.append("variant ").append(v.name()).append(' ').append(v.model()).append(' ')
                    .append(v.version()).append(' ').append(v.weight()).append('\n');
        }
        if (experiment.shadow() != null) {
            canonical.append("shadow ").append(experiment.shadow().target()).append(' ').append(experiment.shadow().percent()).append('\n');
        }
        canonical.append("override ").append(experiment.allowOverride()).append("\ncontrol ").append(experiment.control());
        for (Experiment.Pair pair : experiment.decide()) {
            canonical.append("\ndecide ").append(pair.candidate()).append(' ').append(pair.control());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
