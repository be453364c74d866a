package io.qfserving.service.repository;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "models": each loaded model with its version, variant,
 * precision and offline accuracy, plus any version that failed to load. Down when nothing loaded.
 */
@Component("models")
class ModelsHealthIndicator implements HealthIndicator {

    private final ModelRepository repository;

    ModelsHealthIndicator(ModelRepository repository) {
        this.repository = repository;
    }

    @Override
    public Health health() {
        Map<String, Object> loaded = new LinkedHashMap<>();
        repository.models().forEach((name, model) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("version", model.version());
            details.put("architecture", model.manifest().architecture());
            details.put("variant", model.manifest().variant());
            details.put("precision", model.manifest().precision());
            details.put("macsPerImage", model.manifest().macsPerImage());
            details.put("parameters", model.manifest().parameters());
            if (model.manifest().accuracy() != null) {
                details.put("top1", model.manifest().accuracy().top1());
            }
            details.put("warmupMillis", Math.round(model.warmupMillis() * 10) / 10.0);
            loaded.put(name, details);
        });
        Health.Builder health = loaded.isEmpty() ? Health.down() : Health.up();
        health.withDetail("loaded", loaded);
        if (!repository.failures().isEmpty()) {
            health.withDetail("failed", repository.failures());
        }
        return health.build();
    }
}
