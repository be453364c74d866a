package io.qfserving.service.repository;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "models", part of the readiness group: each model's served
 * versions with variant, precision, engine, cost and offline accuracy, plus every version that
 * failed to load and why. Down while no model is ready.
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
        Map<String, String> failed = new LinkedHashMap<>();
        for (ModelStatus model : repository.models()) {
            model.newestReady().ifPresent(served -> loaded.put(model.name(), details(served)));
            model.versions().stream().filter(v -> v.state() == VersionStatus.State.FAILED)
                    .forEach(v -> failed.put(model.name() + "/" + v.version(), v.reason()));
        }
        Health.Builder health = loaded.isEmpty() ? Health.down() : Health.up();
        health.withDetail("loaded", loaded);
        if (!failed.isEmpty()) {
            health.withDetail("failed", failed);
        }
        return health.build();
    }

    private static Map<String, Object> details(ServedModel served) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", served.version());
        details.put("architecture", served.manifest().architecture());
        details.put("variant", served.manifest().variant());
        details.put("precision", served.manifest().precision());
        details.put("engine", served.engine());
        details.put("macsPerImage", served.manifest().macsPerImage());
        details.put("parameters", served.manifest().parameters());
        if (served.manifest().accuracy() != null) {
            details.put("top1", served.manifest().accuracy().top1());
        }
        details.put("warmupMillis", served.warmup().toMillis());
        return details;
    }
}
