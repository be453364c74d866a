package io.qfserving.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Counters of one name whose labels come from the traffic (an experiment, the models that served, an
 * outcome): one per key, registered when the key first occurs and held from then on, so that counting
 * again looks up no meter in the registry. A key is a value (a record) of what the labels say.
 */
public final class LabelledCounters<K> {

    private final MeterRegistry registry;
    private final Function<K, Counter.Builder> counter;
    private final Map<K, Counter> counters = new ConcurrentHashMap<>();

    /** @param counter the counter of a key: its name, description and labels */
    public LabelledCounters(MeterRegistry registry, Function<K, Counter.Builder> counter) {
        this.registry = registry;
        this.counter = counter;
    }

    public Counter get(K key) {
        return counters.computeIfAbsent(key, k -> counter.apply(k).register(registry));
    }
}
