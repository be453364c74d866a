package io.qfserving.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

/**
 * Settings that contradict one another stop start-up with a message naming them, instead of
 * surfacing later as failed model loads or requests. Every settings record of the service is bound,
 * with its defaults, as the application binds it; the defaults themselves must pass.
 */
class SettingsValidationTests {

    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan("io.qfserving.service")
    static class AllSettings {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(AllSettings.class);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "qf.engine.batching.max-batch-size=128 | max-batch-size must not exceed queue-capacity",
            "qf.inference.max-image-size=100MB | max-image-size must not exceed max-request-size",
            "qf.admission.min-limit=32 | min-limit <= initial-limit <= max-limit",
            "qf.admission.initial-limit=100 | min-limit <= initial-limit <= max-limit",
    })
    void aSettingThatContradictsAnotherStopsStartUp(String setting, String message) {
        runner.withPropertyValues(setting).run(context -> assertThat(context).getFailure().hasStackTraceContaining(message));
    }

    /** Tomcat, multipart parsing and gRPC all take the request limit from the one inference setting. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"spring.servlet.multipart.max-request-size", "spring.grpc.server.inbound.message.max-size",
            "server.tomcat.max-swallow-size"})
    void everyTransportTakesItsLimitFromTheInferenceSettings(String transportLimit) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        Binder settings = Binder.get(environment);
        assertThat(settings.bind(transportLimit, DataSize.class).get()).isEqualTo(DataSize.ofMegabytes(64));

        environment.getPropertySources().addFirst(new MapPropertySource("operator", Map.of("qf.inference.max-request-size", "10MB")));

        assertThat(Binder.get(environment).bind(transportLimit, DataSize.class).get()).isEqualTo(DataSize.ofMegabytes(10));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"qf.engine.batching.max-batch-size=64", "qf.inference.max-image-size=64MB", "qf.admission.max-limit=1"})
    void theDefaultsAndTheirEdgesStartUp(String setting) {
        runner.withPropertyValues(setting).run(context -> assertThat(context).hasNotFailed());
    }
}
