package io.qfserving.service.experiment.web;

import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentReport;
import io.qfserving.service.experiment.ExperimentReporter;
import io.qfserving.service.experiment.ExperimentStats;
import io.qfserving.service.experiment.InvalidExperimentException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Experiments: listed and reported for anyone ({@code /v1/experiments}), changed at run time by an
 * admin ({@code PUT /admin/experiments/{name}}, bearer token). A change is validated before it
 * applies; a refused one leaves the old experiment routing.
 */
@RestController
@Tag(name = "experiments", description = "A/B experiments between model variants")
class ExperimentController {

    private static final Logger log = LoggerFactory.getLogger(ExperimentController.class);

    private final ExperimentRegistry registry;
    private final ExperimentStats stats;
    private final ExperimentReporter reporter;
    private final AdminAuthorization admin;

    ExperimentController(ExperimentRegistry registry, ExperimentStats stats, ExperimentReporter reporter,
                         AdminAuthorization admin) {
        this.registry = registry;
        this.stats = stats;
        this.reporter = reporter;
        this.admin = admin;
    }

    @Operation(summary = "The experiments in force")
    @GetMapping("/v1/experiments")
    List<Experiment> experiments() {
        return registry.list();
    }

    @Operation(summary = "One experiment's configuration")
    @GetMapping("/v1/experiments/{name}")
    Experiment experiment(@PathVariable String name) {
        return find(name);
    }

    @Operation(summary = "Per-variant requests, accuracy from feedback (Wilson 95%), latency, agreement, tests and a verdict")
    @GetMapping("/v1/experiments/{name}/report")
    ExperimentReport report(@PathVariable String name) {
        return reporter.report(find(name), stats.counters(name));
    }

    @Operation(summary = "Create or replace an experiment (admin bearer token)")
    @PutMapping("/admin/experiments/{name}")
    Experiment replace(@PathVariable String name, @RequestBody ExperimentProperties.Spec spec,
                       @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        admin.check(authorization);
        Experiment experiment = spec.named(name);
        try {
            registry.replace(experiment);
        } catch (InvalidExperimentException e) {
            throw ServingException.badRequest("experiment '" + name + "' refused; the one in force keeps routing: " + e.getMessage());
        }
        stats.reset(name);
        log.info("experiment {} replaced: {}", name, experiment);
        return experiment;
    }

    private Experiment find(String name) {
        return registry.get(name).orElseThrow(() -> ServingException.notFound("no experiment named '" + name + "'"));
    }
}
