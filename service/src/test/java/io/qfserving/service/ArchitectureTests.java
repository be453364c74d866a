package io.qfserving.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.StateUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

/**
 * Boundaries that hold by themselves: the batching core and the experiment core are plain Java,
 * wired to Spring, HTTP, gRPC, Micrometer and Redis only from outside; packages depend on one
 * another without cycles; controllers stay at the edge.
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

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.qfserving.service.(**)").should().beFreeOfCycles()
                // The one exception-to-status table knows the failures of the cores it maps.
                .ignoreDependency(ServingException.class, StateUnavailableException.class)
                .check(SERVICE);
    }

    @Test
    void controllersLiveOnlyInTheEdgePackages() {
        classes().that().areAnnotatedWith(RestController.class)
                .should().resideInAnyPackage("io.qfserving.service.classify", "io.qfserving.service.oip",
                        "io.qfserving.service.repository", "io.qfserving.service.feedback", "io.qfserving.service.experiment.web",
                        "io.qfserving.service.errors")
                .because("the cores (batching, experiment, inference, state) serve every transport alike")
                .check(SERVICE);
    }
}
