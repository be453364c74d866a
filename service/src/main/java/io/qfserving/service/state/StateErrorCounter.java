package io.qfserving.service.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.metrics.LabelledCounters;
import io.qfserving.service.metrics.MetricNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts the request-path writes the experiment store could not make ({@code qf_state_errors_total},
 * by operation): what the report is missing while the store is down or slow. Logged at debug, since
 * an outage fails every request's write and the counter already tells how many.
 */
@Component
class StateErrorCounter implements ExperimentStore.ErrorListener, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(StateErrorCounter.class);

    private LabelledCounters<String> byOperation;

    @Override
    public void bindTo(MeterRegistry registry) {
        byOperation = new LabelledCounters<>(registry, operation -> Counter.builder(MetricNames.STATE_ERRORS)
                .description("Experiment-store writes on the request path that failed or timed out; their counts are missing")
                .tag("operation", operation));
    }

    @Override
    public void failed(String operation, Throwable cause) {
        log.debug("experiment store: {} failed", operation, cause);
        byOperation.get(operation).increment();
    }
}
