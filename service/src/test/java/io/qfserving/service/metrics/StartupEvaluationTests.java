package io.qfserving.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.testing.DirectEngine;
import io.qfserving.service.testing.ModelFolders;
import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A repository holding one model and an evaluation folder: the start-up evaluation publishes the
 * accuracy the model really has on the folder; the default experiment, whose other models are
 * missing, and one configured under the model's own name are left out and reported instead of
 * stopping the server.
 */
@SpringBootTest(properties = {"qf.repository.poll-interval=0s", "qf.evaluation.images-per-class=50",
        "qf.experiments." + StartupEvaluationTests.MODEL + ".variants[0].name=only",
        "qf.experiments." + StartupEvaluationTests.MODEL + ".variants[0].model=" + StartupEvaluationTests.MODEL,
        "qf.experiments." + StartupEvaluationTests.MODEL + ".variants[0].weight=1"})
class StartupEvaluationTests {

    static final String MODEL = "qf-mobilenet-v2-int8";
    static final Path REPOSITORY = ModelFolders.copyOf(MODEL);
    static final Path FOLDER = labelledFolder();

    @DynamicPropertySource
    static void paths(DynamicPropertyRegistry registry) {
        registry.add("qf.repository.path", REPOSITORY::toString);
        registry.add("qf.evaluation.folder", FOLDER::toString);
    }

    /** Three classes of the model, four generated images each, named by synset as a dataset folder is. */
    static Path labelledFolder() {
        try {
            Path folder = Files.createTempDirectory("qf-evaluation").resolve("val");
            List<ModelManifest.Label> labels = ModelManifest.read(REPOSITORY.resolve(MODEL).resolve("1")).labels();
            for (int c = 0; c < 3; c++) {
                Path dir = Files.createDirectories(folder.resolve(labels.get(c * 3).synset()));
                for (int i = 0; i < 4; i++) {
                    Files.write(dir.resolve(i + ".jpg"), TestImages.jpeg(TestImages.scene(96, 80, 100L * c + i)));
                }
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    MeterRegistry registry;

    @Autowired
    HealthContributorRegistry health;

    @Test
    void aConfiguredExperimentWhoseModelsAreMissingIsLeftOutAndReported() {
        Health experiments = ((HealthIndicator) health.getContributor("experiments")).health();
        assertThat(experiments.getStatus()).isEqualTo(Status.UP);
        assertThat(experiments.getDetails().get("refused").toString()).contains("mobilenet-v2-ab").contains("not loaded");
        assertThat(experiments.getDetails().get("inForce").toString()).isEqualTo("{}");
    }

    @Test
    void aConfiguredExperimentUnderAServedModelsNameIsLeftOutAndReported() {
        Health experiments = ((HealthIndicator) health.getContributor("experiments")).health();
        assertThat(experiments.getDetails().get("refused")).asInstanceOf(InstanceOfAssertFactories.map(String.class, String.class))
                .hasEntrySatisfying(MODEL,
                        reason -> assertThat(reason).contains("experiment '" + MODEL + "' has the name of a served model"));
    }

    @Test
    void publishesTheTopOneAccuracyOfEachServedModelOnTheFolder() throws Exception {
        Gauge gauge = await().alias("the start-up evaluation published its result").atMost(Duration.ofSeconds(60))
                .until(() -> registry.find(MetricNames.MODEL_STARTUP_TOP1).tag("model", MODEL).gauge(), Objects::nonNull);
        assertThat(gauge.getId().getTag("dataset")).isEqualTo(FOLDER.getParent().getFileName() + "/val");

        int correct = 0;
        int total = 0;
        try (DirectEngine engine = new DirectEngine(MODEL)) {
            for (Path dir : Files.list(FOLDER).sorted().toList()) {
                for (Path image : Files.list(dir).sorted().toList()) {
                    float[] p = engine.scores(Files.readAllBytes(image)).probabilities()[0];
                    int best = 0;
                    for (int i = 1; i < p.length; i++) {
                        best = p[i] > p[best] ? i : best;
                    }
                    correct += engine.manifest().labels().get(best).synset().equals(dir.getFileName().toString()) ? 1 : 0;
                    total++;
                }
            }
        }
        assertThat(gauge.value()).isCloseTo((double) correct / total, within(1e-9));
        assertThat(registry.find(MetricNames.REQUESTS).tag("transport", "evaluation").counter().count()).isEqualTo(1);
    }
}
