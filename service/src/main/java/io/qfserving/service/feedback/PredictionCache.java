package io.qfserving.service.feedback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.repository.ServedModel;
import java.time.Clock;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Served predictions waiting for ground truth: bounded in size and expiring (Caffeine, on the
 * injected clock), so feedback that never comes costs nothing for long.
 */
@Component
public class PredictionCache {

    /**
     * One served request, kept small (references to shared objects, an int per image): the version
     * that served it, where it came from, the top-1 class of each image, and which images got
     * feedback already.
     */
    record Served(ServedModel model, Origin origin, int[] top1, BitSet labelled) {

        /** Marks an image as labelled; false when it already was. */
        boolean label(int image) {
            synchronized (labelled) {
                if (labelled.get(image)) {
                    return false;
                }
                labelled.set(image);
                return true;
            }
        }
    }

    private final Cache<String, Served> served;

    PredictionCache(FeedbackProperties properties, Clock clock) {
        this.served = Caffeine.newBuilder()
                .maximumSize(properties.maxPredictions())
                .expireAfterWrite(properties.ttl())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** Remembers a served request until its feedback comes, or until it expires or is evicted. */
    public void put(String requestId, Inference inference, Origin origin) {
        served.put(requestId, new Served(inference.model(), origin,
                inference.top1().stream().mapToInt(Integer::intValue).toArray(), new BitSet()));
    }

    Optional<Served> get(String requestId) {
        return Optional.ofNullable(served.getIfPresent(requestId));
    }
}
