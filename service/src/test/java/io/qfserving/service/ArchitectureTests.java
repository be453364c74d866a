package io.qfserving.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Boundaries that hold by themselves: the batching core and the experiment core are plain Java,
 * wired to Spring, HTTP, gRPC, Micrometer and Redis only from outside.
 */
class ArchitectureTests {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.qfserving.service");

    private static final String[] FRAMEWORKS = {"org.springframework..", "jakarta..", "io.micrometer..", "io.grpc..",
        "io.lettuce..", "tools.jackson..", "com.fasterxml.jackson.."};

    @Test
    void theBatchingCoreUsesNoFramework() {
        noClasses().that().resideInAPackage("io.qfserving.service.batching..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("the batching core is plain Java: futures, bounded queues and a clock")
                .check(SERVICE);
    }

    @Test
    void theExperimentCoreUsesNoFramework() {
        noClasses().that().resideInAPackage("io.qfserving.service.experiment")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("routing, the shared-state port and the replace decision are plain Java; "
                        + "experiment.web and state wire them to Spring and Redis")
                .check(SERVICE);
    }

    @Test
    void theCoresDoNotReachBackIntoTheirWiring() {
        noClasses().that().resideInAnyPackage("io.qfserving.service.batching..", "io.qfserving.service.experiment")
                .should().dependOnClassesThat().resideInAnyPackage("io.qfserving.service.experiment.web..",
                        "io.qfserving.service.state..", "io.qfserving.service.classify..", "io.qfserving.service.feedback..")
                .check(SERVICE);
    }
}
