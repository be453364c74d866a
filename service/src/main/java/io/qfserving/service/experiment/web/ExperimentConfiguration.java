package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentReporter;
import io.qfserving.service.experiment.ReportSettings;
import io.qfserving.service.repository.ModelRepository;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The experiment core wired to the repository; {@link ExperimentSync} fills the registry from configuration and the store. */
@Configuration(proxyBeanMethods = false)
class ExperimentConfiguration {

    @Bean
    ExperimentRegistry experimentRegistry(ModelRepository repository, ObjectProvider<RandomGenerator> random) {
        // Without a RandomGenerator bean (tests provide a seeded one): ThreadLocalRandom.current(), one
        // shared instance that draws from the calling thread's own state.
        return new ExperimentRegistry(
                ref -> repository.model(ref.model()).map(model -> model.isReady(ref.version())).orElse(false),
                random.getIfAvailable(ThreadLocalRandom::current));
    }

    @Bean
    ExperimentReporter experimentReporter() {
        return new ExperimentReporter(ReportSettings.DEFAULTS);
    }
}
