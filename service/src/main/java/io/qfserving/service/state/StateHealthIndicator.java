package io.qfserving.service.state;

import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.StateUnavailableException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "state": where experiment state lives and whether it answers.
 * Not part of readiness: with the store down the server still classifies, so its pods must not be
 * taken out of service or restarted for it.
 */
@Component("state")
class StateHealthIndicator implements HealthIndicator {

    private final ExperimentStore store;

    StateHealthIndicator(ExperimentStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.ping();
            return Health.up().withDetail("store", store.describe()).build();
        } catch (StateUnavailableException e) {
            return Health.down().withDetail("store", store.describe()).withDetail("error", e.getMessage()).build();
        }
    }
}
