package io.qfserving.service.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The real server on random HTTP and gRPC ports (plus an in-process gRPC server named
 * {@value #IN_PROCESS}) over the embedded default models, with the default {@code mobilenet-v2-ab}
 * experiment mirroring all its traffic to its shadow, an admin token, and seeded experiment draws.
 * One application context, shared by every test class that carries this annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qf.repository.path=" + EmbeddedModelsTest.REPOSITORY,
        "qf.repository.poll-interval=0s",
        "spring.grpc.server.inprocess.name=" + EmbeddedModelsTest.IN_PROCESS,
        "qf.experiments.mobilenet-v2-ab.shadow.percent=100",
        "qf.admin.token=" + EmbeddedModelsTest.ADMIN_TOKEN,
})
@Import(EmbeddedModelsTest.SeededRandom.class)
public @interface EmbeddedModelsTest {

    /** The embedded repository, seen from the service module's folder (where tests run). */
    String REPOSITORY = "../models/repository";
    String IN_PROCESS = "embedded-models";
    String ADMIN_TOKEN = "test-admin-token";

    /** Experiment draws from a fixed seed, so a split measured over N requests is the same every run. */
    @TestConfiguration(proxyBeanMethods = false)
    class SeededRandom {
        @Bean
        RandomGenerator experimentRandom() {
            return new Random(20261123);
        }
    }
}
