package io.qfserving.service.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qfserving.service.experiment.ExperimentStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts the request-path writes the experiment store could not make ({@code qf_state_errors_total},
 * by operation): what the report is missing while the store is down or slow. Logged at debug, since
 * an outage fails every request's write and the counter already tells how many.
 */
@Component
class StateErrorCounter implements ExperimentStore.ErrorListener {

    private static final Logger log = LoggerFactory.getLogger(StateErrorCounter.class);

    private final MeterRegistry registry;
    private final Map<String, Counter> byOperation = new ConcurrentHashMap<>();

    StateErrorCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void failed(String operation, Throwable cause) {
        log.debug("experiment store: {} failed", operation, cause);
        byOperation.computeIfAbsent(operation, op -> Counter.builder("qf.state.errors")
                .description("Experiment-store writes on the request path that failed or timed out; their counts are missing")
                .tag("operation", op).register(registry)).increment();
    }
}
