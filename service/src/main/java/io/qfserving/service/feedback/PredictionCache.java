package io.qfserving.service.feedback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Tags;
import io.qfserving.models.export.ModelManifest;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.metrics.ModelTags;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Served predictions waiting for ground truth: bounded in size and expiring (Caffeine, on the
 * injected clock), so feedback that never comes costs nothing for long.
 */
@Component
public class PredictionCache {

    /**
     * One served request: what to label its feedback with, the top-1 class of each image, the
     * model's labels (to read the client's label), and which images got feedback already.
     */
    record Served(Tags modelTags, Origin origin, List<Integer> top1, List<ModelManifest.Label> labels,
                  java.util.Set<Integer> labelled) {}

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
        served.put(requestId, new Served(ModelTags.of(inference.model()), origin, inference.top1(),
                inference.model().manifest().labels(), ConcurrentHashMap.newKeySet()));
    }

    Optional<Served> get(String requestId) {
        return Optional.ofNullable(served.getIfPresent(requestId));
    }
}
