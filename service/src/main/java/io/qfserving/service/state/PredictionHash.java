package io.qfserving.service.state;

import io.qfserving.service.experiment.CounterKey;
import io.qfserving.service.experiment.PendingPrediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** A prediction waiting for feedback as the fields of one Redis hash, and back. */
final class PredictionHash {

    private PredictionHash() {}

    /** Field, value, field, value... of everything the prediction holds. */
    static List<String> fields(PendingPrediction prediction) {
        PendingPrediction.ServedBy servedBy = prediction.servedBy();
        List<String> fields = new ArrayList<>(List.of("model", servedBy.model(), "version", servedBy.version(),
                "variant", servedBy.variant(), "precision", servedBy.precision(), "engine", servedBy.engine(),
                "transport", prediction.transport(), "top1", join(prediction.top1())));
        CounterKey counters = prediction.counters();
        if (counters != null) {
            fields.addAll(List.of("experiment", counters.experiment(), "revision", Long.toString(counters.revision()),
                    "arm", counters.variant(), "versions", counters.versions()));
        }
        if (prediction.shadowTop1() != null) {
            fields.addAll(shadowFields(prediction.shadowVersion(), prediction.shadowTop1()));
        }
        return fields;
    }

    /** The fields of the shadow's answer, added when it comes after the prediction was stored. */
    static List<String> shadowFields(String shadowVersion, int[] shadowTop1) {
        return List.of("shadow_version", shadowVersion, "shadow", join(shadowTop1));
    }

    /** The prediction a hash holds; empty when it holds none (expired, or never stored). */
    static Optional<PendingPrediction> read(Map<String, String> hash) {
        if (!hash.containsKey("top1")) {
            return Optional.empty();
        }
        CounterKey counters = hash.containsKey("experiment")
                ? new CounterKey(hash.get("experiment"), Long.parseLong(hash.get("revision")), hash.get("arm"), hash.get("versions"))
                : null;
        return Optional.of(new PendingPrediction(
                new PendingPrediction.ServedBy(hash.get("model"), hash.get("version"), hash.get("variant"), hash.get("precision"),
                        hash.get("engine")),
                hash.get("transport"), counters, split(hash.get("top1")), hash.get("shadow_version"),
                hash.containsKey("shadow") ? split(hash.get("shadow")) : null));
    }

    private static String join(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    private static int[] split(String values) {
        return Arrays.stream(values.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
