package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "experiments": the experiments in force with their variants,
 * and the configured ones that were left out, with why. Always up: a bad experiment must not stop
 * the models from serving.
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

    @Override
    public synchronized Health health() {
        Map<String, Object> inForce = new TreeMap<>();
        for (Experiment experiment : registry.getObject().list()) {
            inForce.put(experiment.name(), experiment.variants().stream().map(v -> v.name() + " -> " + v.ref()).toList());
        }
        Health.Builder health = Health.up().withDetail("inForce", inForce);
        if (!refused.isEmpty()) {
            health.withDetail("refused", Map.copyOf(refused));
        }
        return health.build();
    }
}
