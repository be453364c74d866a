package io.qfserving.service.experiment;

import java.util.Arrays;
import java.util.Objects;

/**
 * A served request waiting for its feedback: what served it, where it came from, each image's top-1
 * class and, once its shadow copy has answered, the shadow model's version and top-1 classes.
 *
 * @param servedBy the model version that answered
 * @param transport the transport's label ({@code http}, {@code grpc}, ...)
 * @param counters where feedback on it is counted, or null for a request that named its model directly
 * @param top1 the top-1 class index of each image, in request order
 * @param shadowVersion the version of the shadow model that answered it too, or null when none has
 * @param shadowTop1 the shadow's top-1 class of each image, or null when none has answered
 */
public record PendingPrediction(ServedBy servedBy, String transport, CounterKey counters, int[] top1,
        String shadowVersion, int[] shadowTop1) {

    /**
     * The model version that answered, with the labels its metrics carry.
     *
     * @param variant the model's family variant ({@code baseline} or {@code qf}), not the experiment's arm
     */
    public record ServedBy(String model, String version, String variant, String precision, String engine) {}

    /** A request no shadow has answered (yet). */
    public PendingPrediction(ServedBy servedBy, String transport, CounterKey counters, int[] top1) {
        this(servedBy, transport, counters, top1, null, null);
    }

    public PendingPrediction withShadow(String version, int[] shadow) {
        return new PendingPrediction(servedBy, transport, counters, top1, version, shadow);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingPrediction p && servedBy.equals(p.servedBy) && transport.equals(p.transport)
                && Objects.equals(counters, p.counters) && Arrays.equals(top1, p.top1)
                && Objects.equals(shadowVersion, p.shadowVersion) && Arrays.equals(shadowTop1, p.shadowTop1);
    }

    @Override
    public int hashCode() {
        return Objects.hash(servedBy, transport, counters, Arrays.hashCode(top1), shadowVersion, Arrays.hashCode(shadowTop1));
    }

    @Override
    public String toString() {
        return "PendingPrediction[" + servedBy + ", " + transport + ", " + counters + ", top1=" + Arrays.toString(top1)
                + ", shadow " + shadowVersion + "=" + Arrays.toString(shadowTop1) + "]";
    }
}
