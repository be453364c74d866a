package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.StoredExperiment;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "experiments": the experiments in force with their revision and
 * variants, and those left out (configured, or changed by any replica, but not routable here), with
 * why. Always up: a bad experiment must not stop the models from serving.
 */
@Component("experiments")
class ConfiguredExperiments implements HealthIndicator {

    private final Map<String, String> refused = new TreeMap<>();
    private final ObjectProvider<ExperimentRegistry> registry;

    ConfiguredExperiments(ObjectProvider<ExperimentRegistry> registry) {
        this.registry = registry;
    }

    synchronized void refused(String name, String reason) {
        refused.put(name, reason);
    }

    synchronized void accepted(String name) {
        refused.remove(name);
    }

    @Override
    public synchronized Health health() {
        Map<String, Object> inForce = new TreeMap<>();
        for (StoredExperiment stored : registry.getObject().list()) {
            inForce.put(stored.name(), Map.of("revision", stored.revision(),
                    "variants", stored.experiment().variants().stream().map(v -> v.name() + " -> " + v.ref()).toList()));
        }
        Health.Builder health = Health.up().withDetail("inForce", inForce);
        if (!refused.isEmpty()) {
            health.withDetail("refused", Map.copyOf(refused));
        }
        return health.build();
    }
}
