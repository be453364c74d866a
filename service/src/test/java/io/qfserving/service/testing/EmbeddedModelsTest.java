package io.qfserving.service.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The real server on random HTTP and gRPC ports (plus an in-process gRPC server named
 * {@value #IN_PROCESS}) over the embedded default models. One application context, shared by every
 * test class that carries this annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "qf.repository.path=" + EmbeddedModelsTest.REPOSITORY,
    "qf.repository.poll-interval=0s",
    "spring.grpc.server.port=0",
    "spring.grpc.server.inprocess.name=" + EmbeddedModelsTest.IN_PROCESS,
})
public @interface EmbeddedModelsTest {

    /** The embedded repository, seen from the service module's folder (where tests run). */
    String REPOSITORY = "../models/repository";
    String IN_PROCESS = "embedded-models";
}
