package io.qfserving.models.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.models.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The embedded default models: small, described by their manifests, and as accurate as those say. */
class DefaultModelsTests {

    private static final Path REPOSITORY = Path.of("repository");

    static List<Path> versions() throws IOException {
        try (Stream<Path> models = Files.list(REPOSITORY)) {
            return models.filter(Files::isDirectory).sorted().map(m -> m.resolve("1")).toList();
        }
    }

    @Test
    void everyShippedModelHasAManifestAndStaysUnder20Megabytes() throws IOException {
        assertThat(versions()).isNotEmpty();
        for (Path version : versions()) {
            ModelManifest manifest = ModelManifest.read(version);
            assertThat(manifest.name()).isEqualTo(version.getParent().getFileName().toString());
            assertThat(ModelExporter.sizeOf(version)).as(manifest.name()).isLessThan(20_000_000L);
            assertThat(manifest.accuracy().dataset()).isEqualTo("imagenette2-224/val");
            assertThat(manifest.accuracy().images()).isEqualTo(2574);
            assertThat(manifest.labels()).hasSize(10);
            assertThat(Files.isRegularFile(version.resolve("saved_model").resolve("saved_model.pb"))).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void evaluationOnImagenetteValReproducesTheManifest(Path version) {
        Path val = TestData.sharedDataOrSkip().resolve("imagenette2-224").resolve("val");
        ModelManifest manifest = ModelManifest.read(version);
        ModelManifest.Accuracy measured = ModelExporter.measure(version, manifest, val);
        assertThat(measured.images()).isEqualTo(manifest.accuracy().images());
        assertThat(measured.top1()).isCloseTo(manifest.accuracy().top1(), within(0.1));
        assertThat(measured.top5()).isCloseTo(manifest.accuracy().top5(), within(0.1));
    }
}
