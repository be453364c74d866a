package io.qfserving.service.experiment.web;

import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.CurrentVersions;
import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentReport;
import io.qfserving.service.experiment.ExperimentReporter;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.InvalidExperimentException;
import io.qfserving.service.experiment.StoredExperiment;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Experiments: listed and reported for anyone ({@code /v1/experiments}), changed at run time by an
 * admin ({@code PUT /admin/experiments/{name}}, bearer token) or reset to their configuration
 * ({@code POST /admin/experiments/{name}/reset}). A change is validated here before it is saved
 * to the store every replica shares; the others apply it on the store's notification. A refused one
 * leaves the old experiment routing; with the store unreachable, nothing changes and the call answers 503.
 */
@RestController
@Tag(name = "experiments", description = "A/B experiments between model variants")
class ExperimentController {

    private static final Logger log = LoggerFactory.getLogger(ExperimentController.class);

    private final ExperimentRegistry registry;
    private final ExperimentStore store;
    private final ExperimentSync sync;
    private final ExperimentReporter reporter;
    private final AdminAuthorization admin;
    private final CurrentVersions versions;

    ExperimentController(ExperimentRegistry registry, ExperimentStore store, ExperimentSync sync, ExperimentReporter reporter,
            AdminAuthorization admin, CurrentVersions versions) {
        this.versions = versions;
        this.registry = registry;
        this.store = store;
        this.sync = sync;
        this.reporter = reporter;
        this.admin = admin;
    }

    @Operation(summary = "The experiments in force")
    @GetMapping("/v1/experiments")
    List<Experiment> experiments() {
        return registry.list().stream().map(StoredExperiment::experiment).toList();
    }

    @Operation(summary = "One experiment's configuration")
    @GetMapping("/v1/experiments/{name}")
    Experiment experiment(@PathVariable String name) {
        return find(name).experiment();
    }

    @Operation(summary = "Per-variant requests, accuracy from feedback (Wilson 95%), latency, agreement, tests and a verdict, "
            + "counted by every replica since the experiment's current revision")
    @GetMapping("/v1/experiments/{name}/report")
    ExperimentReport report(@PathVariable String name) {
        StoredExperiment stored = find(name);
        return reporter.report(stored, store.counters(name, stored.revision()), versions);
    }

    @Operation(summary = "Create or replace an experiment on every replica (admin bearer token)")
    @PutMapping("/admin/experiments/{name}")
    Experiment replace(@PathVariable String name, @RequestBody ExperimentProperties.Spec spec,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        admin.check(authorization);
        return save(spec.named(name), sync.basisFor(name));
    }

    @Operation(summary = "Put an experiment back to its configuration on every replica, dropping run-time changes (admin bearer token)")
    @PostMapping("/admin/experiments/{name}/reset")
    Experiment reset(@PathVariable String name,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        admin.check(authorization);
        Experiment configured = sync.configured(name).orElseThrow(() -> ServingException.notFound(
                "experiment '" + name + "' has no configuration to reset to (qf.experiments." + name + ")"));
        return save(configured, sync.basisFor(name));
    }

    private Experiment save(Experiment experiment, String basis) {
        try {
            registry.validate(experiment);
        } catch (InvalidExperimentException e) {
            throw ServingException.badRequest("experiment '" + experiment.name() + "' refused; the one in force keeps routing: "
                    + e.getMessage());
        }
        StoredExperiment saved = store.save(experiment, basis);
        sync.apply(saved);
        log.info("experiment {} saved as revision {}: {}", saved.name(), saved.revision(), experiment);
        return experiment;
    }

    private StoredExperiment find(String name) {
        return registry.get(name).orElseThrow(() -> ServingException.notFound("no experiment named '" + name + "'"));
    }
}
