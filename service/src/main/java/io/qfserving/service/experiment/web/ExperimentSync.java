package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentFingerprint;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.InvalidExperimentException;
import io.qfserving.service.experiment.StateUnavailableException;
import io.qfserving.service.experiment.StoredExperiment;
import io.qfserving.service.state.StateProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps this replica's experiments in step with the store that every replica shares.
 *
 * <p>At start, each configured experiment that this replica can route is reconciled with the store:
 * when the stored one was written against the same configuration (its basis is this configuration's
 * {@link ExperimentFingerprint}), the stored one wins, run-time changes included; when the
 * configuration differs (a new release rolled out) or nothing is stored, the configuration is written
 * as a new revision and replaces run-time changes made against the older one. Experiments created at
 * run time are adopted as stored. Afterwards every change that any replica saves is applied on the
 * store's notification, and, in case a notification was lost, by re-reading the store every
 * {@code qf.state.resync-interval}. While the store cannot be reached, the replica routes by what it
 * last knew (at first, its own configuration) and keeps trying.
 */
@Component
class ExperimentSync extends PeriodicWork {

    private static final Logger log = LoggerFactory.getLogger(ExperimentSync.class);

    private final ExperimentRegistry registry;
    private final ExperimentStore store;
    private final ConfiguredExperiments health;
    private final Map<String, Experiment> configured = new LinkedHashMap<>();
    private volatile boolean reconciled;

    ExperimentSync(ExperimentRegistry registry, ExperimentStore store, ExperimentProperties properties,
            StateProperties state, ConfiguredExperiments health) {
        // Changes are applied one at a time on this component's thread, off the store's notification thread.
        super("experiment-sync", state.resyncInterval(), state.resyncInterval());
        this.registry = registry;
        this.store = store;
        this.health = health;
        properties.experiments().forEach((name, spec) -> configured.put(name, spec.named(name)));
        // Routes by the configuration from the first request on, whatever the store's state.
        configured.values().forEach(experiment -> apply(new StoredExperiment(experiment, 0, ExperimentFingerprint.of(experiment))));
        store.subscribe(name -> execute(() -> refresh(name)));
        reconcile();
    }

    /** The configured experiment of that name, if any. */
    Optional<Experiment> configured(String name) {
        return Optional.ofNullable(configured.get(name));
    }

    /** The basis a run-time change of that name is written against: its configuration's fingerprint, or none. */
    String basisFor(String name) {
        return configured(name).map(ExperimentFingerprint::of).orElse("");
    }

    private synchronized void reconcile() {
        try {
            for (Experiment experiment : configured.values()) {
                if (registry.get(experiment.name()).isPresent()) {
                    apply(store.saveUnlessBasedOn(experiment, ExperimentFingerprint.of(experiment)));
                }
            }
            store.experiments().forEach(this::apply);
            reconciled = true;
        } catch (StateUnavailableException e) {
            log.warn("experiments route by what this replica last knew until the store answers: {}", e.getMessage());
        }
    }

    private void refresh(String name) {
        try {
            store.experiment(name).ifPresent(this::apply);
        } catch (StateUnavailableException e) {
            log.warn("experiment {} changed, but could not be read; the next resync will try again: {}", name, e.getMessage());
        }
    }

    /** Resyncs: reconciles once the store first answers, then re-reads every experiment in case a notification was lost. */
    @Override
    void runPeriodically() {
        if (!reconciled) {
            reconcile();
            return;
        }
        try {
            store.experiments().forEach(this::apply);
        } catch (StateUnavailableException e) {
            log.debug("resync skipped: {}", e.getMessage());
        }
    }

    /** Puts a revision in force unless a newer one is; a revision this replica cannot route is reported and skipped. */
    void apply(StoredExperiment stored) {
        try {
            if (registry.apply(stored)) {
                health.accepted(stored.name());
                log.info("experiment {} revision {} in force: {}", stored.name(), stored.revision(), stored.experiment());
            }
        } catch (InvalidExperimentException e) {
            log.error("experiment {} revision {} is left out: {}", stored.name(), stored.revision(), e.getMessage());
            health.refused(stored.name(), "revision " + stored.revision() + ": " + e.getMessage());
        }
    }
}
