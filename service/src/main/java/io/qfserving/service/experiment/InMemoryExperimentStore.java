package io.qfserving.service.experiment;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The experiment state of a single instance, in its own memory: the default when no shared store is
 * configured. Predictions wait in a Caffeine cache bounded in size and expiring on the injected
 * clock; counters are adders. Nothing survives a restart, and other replicas see none of it.
 */
public final class InMemoryExperimentStore implements ExperimentStore {

    /** One remembered request and which of its images have feedback. */
    private record Pending(PendingPrediction prediction, BitSet labelled) {}

    private final Map<String, StoredExperiment> experiments = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Cache<String, Pending> predictions;
    private final Map<String, Map<String, Map<String, LongAdder>>> counters = new ConcurrentHashMap<>();

    /**
     * @param maxPredictions predictions kept at most; beyond it Caffeine evicts those least likely to
     *     get feedback (by recency and frequency)
     * @param ttl how long a prediction awaits its feedback
     */
    public InMemoryExperimentStore(long maxPredictions, Duration ttl, Clock clock) {
        this.predictions = Caffeine.newBuilder()
                // Upkeep (eviction, expiry) in small batches on the threads that write, instead of a task
                // handed to the common pool every few requests: under load the pool's threads took 0.8%
                // of the server's CPU, and the hand-off woke a thread each time.
                .executor(Runnable::run)
                .maximumSize(maxPredictions)
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    @Override
    public List<StoredExperiment> experiments() {
        return experiments.values().stream().sorted(Comparator.comparing(StoredExperiment::name)).toList();
    }

    @Override
    public Optional<StoredExperiment> experiment(String name) {
        return Optional.ofNullable(experiments.get(name));
    }

    @Override
    public StoredExperiment save(Experiment experiment, String basis) {
        StoredExperiment saved = experiments.compute(experiment.name(), (name, old) -> next(old, experiment, basis));
        listeners.forEach(listener -> listener.accept(saved.name()));
        return saved;
    }

    @Override
    public StoredExperiment saveUnlessBasedOn(Experiment experiment, String basis) {
        StoredExperiment stored = experiments.get(experiment.name());
        StoredExperiment saved = experiments.compute(experiment.name(),
                (name, old) -> old != null && old.basis().equals(basis) ? old : next(old, experiment, basis));
        if (saved != stored) {
            listeners.forEach(listener -> listener.accept(saved.name()));
        }
        return saved;
    }

    private static StoredExperiment next(StoredExperiment old, Experiment experiment, String basis) {
        return new StoredExperiment(experiment, old == null ? 1 : old.revision() + 1, basis);
    }

    @Override
    public void subscribe(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public void served(String requestId, PendingPrediction prediction, Duration latency) {
        if (prediction.counters() != null) {
            increment(prediction.counters(), VariantTally.served(latency));
        }
        predictions.put(requestId, new Pending(prediction, new BitSet()));
    }

    @Override
    public void shadowAnswered(String requestId, String shadowVersion, int[] shadowTop1) {
        predictions.asMap().computeIfPresent(requestId,
                (id, p) -> new Pending(p.prediction().withShadow(shadowVersion, shadowTop1), p.labelled()));
    }

    @Override
    public Optional<PendingPrediction> prediction(String requestId) {
        return Optional.ofNullable(predictions.getIfPresent(requestId)).map(Pending::prediction);
    }

    @Override
    public FeedbackOutcome recordFeedback(String requestId, int image, List<VariantTally.Count> counts) {
        Pending pending = predictions.getIfPresent(requestId);
        if (pending == null) {
            return FeedbackOutcome.UNKNOWN;
        }
        synchronized (pending.labelled()) {
            if (pending.labelled().get(image)) {
                return FeedbackOutcome.ALREADY_LABELLED;
            }
            pending.labelled().set(image);
        }
        counts.forEach(count -> increment(count.key(), List.of(count.name())));
        return FeedbackOutcome.COUNTED;
    }

    @Override
    public void shadowCompared(CounterKey key, boolean agreed) {
        increment(key, VariantTally.shadowCompared(agreed));
    }

    private void increment(CounterKey key, List<String> names) {
        Map<String, LongAdder> variant = counters.computeIfAbsent(key.experiment() + '\n' + key.revision(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(key.tally(), v -> new ConcurrentHashMap<>());
        names.forEach(name -> variant.computeIfAbsent(name, n -> new LongAdder()).increment());
    }

    @Override
    public Map<String, VariantCounters> counters(String experiment, long revision) {
        Map<String, VariantCounters> byVariant = new LinkedHashMap<>();
        counters.getOrDefault(experiment + '\n' + revision, Map.of()).forEach((variant, adders) -> {
            Map<String, Long> counts = new HashMap<>();
            adders.forEach((name, adder) -> counts.put(name, adder.sum()));
            byVariant.put(variant, VariantTally.counters(counts));
        });
        return byVariant;
    }

    @Override
    public void ping() {
        // Always answers: it is this process's memory.
    }

    @Override
    public String describe() {
        return "memory (this instance only)";
    }

    @Override
    public void close() {
        predictions.invalidateAll();
    }
}
