package io.qfserving.service.experiment.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentFingerprint;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.InMemoryExperimentStore;
import io.qfserving.service.experiment.StoredExperiment;
import io.qfserving.service.experiment.Variant;
import io.qfserving.service.state.StateProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Which source wins at start: the configuration a replica starts with, or run-time changes kept in
 * the shared store. One store stands for Redis; each new {@link ExperimentSync} is a replica starting.
 */
class ExperimentSyncTests {

    private static final Experiment CONFIGURED = experiment("stable", 100);
    private static final Experiment CHANGED_AT_RUN_TIME = experiment("canary", 100);
    private static final Experiment UPGRADED = experiment("upgraded", 100);

    private final ExperimentStore store = new InMemoryExperimentStore(100, Duration.ofHours(1), Clock.systemUTC());

    @Test
    void aReplicaStartingWithTheSameConfigurationKeepsRunTimeChanges() {
        ExperimentSync first = start(CONFIGURED);
        store.save(CHANGED_AT_RUN_TIME, first.basisFor("exp"));

        ExperimentRegistry restarted = registryOf(start(CONFIGURED));

        assertThat(restarted.get("exp").orElseThrow())
                .isEqualTo(new StoredExperiment(CHANGED_AT_RUN_TIME, 2, ExperimentFingerprint.of(CONFIGURED)));
    }

    @Test
    void aChangedConfigurationReplacesRunTimeChangesMadeAgainstTheOlderOne() {
        ExperimentSync first = start(CONFIGURED);
        store.save(CHANGED_AT_RUN_TIME, first.basisFor("exp"));

        ExperimentRegistry upgraded = registryOf(start(UPGRADED));

        assertThat(upgraded.get("exp").orElseThrow()).isEqualTo(new StoredExperiment(UPGRADED, 3, ExperimentFingerprint.of(UPGRADED)));
        assertThat(store.experiment("exp").orElseThrow().experiment()).isEqualTo(UPGRADED);
    }

    @Test
    void experimentsCreatedAtRunTimeAreAdoptedByEveryReplica() {
        Experiment runTimeOnly = new Experiment("runtime-only", CONFIGURED.variants(), null, false, null);
        start(CONFIGURED);
        store.save(runTimeOnly, "");

        ExperimentRegistry another = registryOf(start(CONFIGURED));

        assertThat(another.get("runtime-only").orElseThrow().experiment()).isEqualTo(runTimeOnly);
    }

    @Test
    void aRunningReplicaAppliesAnotherReplicasChangeOnItsNotification() {
        ExperimentSync running = start(CONFIGURED);
        ExperimentRegistry registry = registryOf(running);

        store.save(CHANGED_AT_RUN_TIME, running.basisFor("exp"));

        await().until(() -> registry.get("exp").orElseThrow().experiment().equals(CHANGED_AT_RUN_TIME));
    }

    private static Experiment experiment(String variant, double weight) {
        return new Experiment("exp", List.of(new Variant(variant, "model-" + variant, null, weight)), null, false, null);
    }

    private final Map<ExperimentSync, ExperimentRegistry> registries = new IdentityHashMap<>();

    @AfterEach
    void stopReplicas() {
        registries.keySet().forEach(ExperimentSync::destroy);
    }

    private ExperimentSync start(Experiment configured) {
        // Holds the models the variants name (model-<variant>), none named like the experiment.
        ExperimentRegistry registry = new ExperimentRegistry(ref -> ref.model().startsWith("model-"), new SplittableRandom(1));
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("registry", registry));
        ExperimentSync sync = new ExperimentSync(registry, store,
                new ExperimentProperties(Map.of("exp", new ExperimentProperties.Spec(configured.variants(), null, false, null, null))),
                new StateProperties("test", Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                new ConfiguredExperiments(beans.getBeanProvider(ExperimentRegistry.class)));
        registries.put(sync, registry);
        return sync;
    }

    private ExperimentRegistry registryOf(ExperimentSync sync) {
        return registries.get(sync);
    }
}
