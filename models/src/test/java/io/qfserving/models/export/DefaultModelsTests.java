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

/** The embedded default models: all four present, small, and as accurate as their manifests say. */
class DefaultModelsTests {

    private static final Path REPOSITORY = Path.of("repository");
    private static final List<String> DEFAULTS =
            List.of("mobilenet-v1", "qf-mobilenet-v1", "mobilenet-v2", "qf-mobilenet-v2");

    static Stream<Path> versions() {
        return DEFAULTS.stream().map(name -> REPOSITORY.resolve(name).resolve("1"));
    }

    @Test
    void allFourDefaultModelsAreShippedUnder20MegabytesEach() {
        for (Path version : versions().toList()) {
            ModelManifest manifest = ModelManifest.read(version);
            assertThat(ModelExporter.sizeOf(version)).isLessThan(20_000_000L);
            assertThat(manifest.accuracy().top1()).as(manifest.name()).isGreaterThanOrEqualTo(75.0);
            assertThat(manifest.accuracy().images()).isEqualTo(2574);
        }
    }

    @Test
    void baselineAndQuantizationFriendlyVariantsAreWithinTwoPoints() {
        for (String arch : List.of("mobilenet-v1", "mobilenet-v2")) {
            double baseline = ModelManifest.read(REPOSITORY.resolve(arch).resolve("1")).accuracy().top1();
            double qf = ModelManifest.read(REPOSITORY.resolve("qf-" + arch).resolve("1")).accuracy().top1();
            assertThat(qf).as(arch).isCloseTo(baseline, within(2.0));
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void evaluationOnImagenetteValReproducesTheManifest(Path version) throws IOException {
        Path val = TestData.sharedDataOrSkip().resolve("imagenette2-224").resolve("val");
        ModelManifest manifest = ModelManifest.read(version);
        ModelManifest.Accuracy measured = ModelExporter.measure(version, manifest, val);
        assertThat(measured.images()).isEqualTo(manifest.accuracy().images());
        assertThat(measured.top1()).isCloseTo(manifest.accuracy().top1(), within(0.1));
        assertThat(Files.isDirectory(version.resolve("saved_model"))).isTrue();
    }
}
