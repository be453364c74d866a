package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentReporter;
import io.qfserving.service.experiment.ExperimentStats;
import io.qfserving.service.experiment.InvalidExperimentException;
import io.qfserving.service.experiment.ReportSettings;
import io.qfserving.service.repository.ModelRepository;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The experiment core wired to the repository, with the experiments from configuration in force. */
@Configuration(proxyBeanMethods = false)
class ExperimentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ExperimentConfiguration.class);

    /**
     * The registry, with every configured experiment that validates. One that does not (say, its
     * models are not in this repository) is logged, reported on the health endpoint, and left out: the
     * models still serve by their own names.
     */
    @Bean
    ExperimentRegistry experimentRegistry(ModelRepository repository, ExperimentProperties properties,
                                          ObjectProvider<RandomGenerator> random, ConfiguredExperiments configured) {
        // Without a RandomGenerator bean (tests provide a seeded one): ThreadLocalRandom.current(), one
        // shared instance that draws from the calling thread's own state.
        ExperimentRegistry registry = new ExperimentRegistry(
                ref -> repository.model(ref.model()).map(model -> model.isReady(ref.version())).orElse(false),
                random.getIfAvailable(ThreadLocalRandom::current));
        properties.experiments().forEach((name, spec) -> {
            try {
                registry.replace(spec.named(name));
            } catch (InvalidExperimentException e) {
                log.error("qf.experiments.{} is left out: {}", name, e.getMessage());
                configured.refused(name, e.getMessage());
            }
        });
        return registry;
    }

    @Bean
    ExperimentStats experimentStats() {
        return new ExperimentStats();
    }

    @Bean
    ExperimentReporter experimentReporter() {
        return new ExperimentReporter(ReportSettings.DEFAULTS);
    }
}
