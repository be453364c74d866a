package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qfserving.service.QfServingApplication;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The replace decisions end to end on the real server: the labelled Imagenette validation set is
 * replayed through the default experiment (every request mirrored to its QF int8 shadow), with
 * feedback for each image, and every decision's bounds must hold the true difference of the two
 * models' offline top-1 on that set (from their manifests, which {@code models eval} wrote); none may
 * say replace where the true loss exceeds the margin. Skipped without the data set.
 */
class DecisionReplayTests {

    @Test
    void decisionsOnTheReplayedValidationSetHoldTheOfflineTruth() throws IOException {
        Path val = Path.of(System.getProperty("qf.data.dir", "../../shared/data"), "imagenette2-224", "val");
        Assumptions.assumeTrue(Files.isDirectory(val), "the Imagenette validation set is not at " + val.toAbsolutePath()
                + " (set -Dqf.data.dir); skipping the replay");
        try (ConfigurableApplicationContext server = SpringApplication.run(QfServingApplication.class,
                "--qf.repository.path=" + EmbeddedModelsTest.REPOSITORY, "--qf.repository.poll-interval=0s",
                "--qf.experiments.mobilenet-v2-ab.shadow.percent=100", "--logging.level.root=WARN")) {
            Http http = new Http(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            int replayed = 0;
            try (Stream<Path> classes = Files.list(val)) {
                for (Path folder : classes.sorted().toList()) {
                    String synset = folder.getFileName().toString();
                    try (Stream<Path> images = Files.list(folder)) {
                        for (Path image : images.sorted().toList()) {
                            Http.Response classified =
                                    http.post("/v1/models/mobilenet-v2-ab:classify", "image/jpeg", Files.readAllBytes(image));
                            assertThat(classified.status()).as(classified.text()).isEqualTo(200);
                            Http.Response feedback = http.post("/v1/feedback", "application/json", ("{\"request_id\":\""
                                    + classified.json().get("request_id").asString() + "\",\"label\":\"" + synset + "\"}")
                                    .getBytes(StandardCharsets.UTF_8));
                            assertThat(feedback.status()).as(feedback.text()).isEqualTo(200);
                            replayed++;
                        }
                    }
                }
            }
            JsonNode report = http.get("/v1/experiments/mobilenet-v2-ab/report").json();
            List<JsonNode> decisions = report.get("decisions").valueStream().toList();
            System.out.println("replayed " + replayed + " validation images; " + report.get("verdict").asString());
            assertThat(decisions).hasSize(2);
            for (JsonNode decision : decisions) {
                String candidate = modelOf(report, decision.get("candidate").asString());
                String control = modelOf(report, decision.get("control").asString());
                double truth = (offlineTop1(candidate) - offlineTop1(control)) / 100;
                System.out.printf("%s vs %s: truth %+.4f, bounds [%+.4f, %+.4f], %s by %s on %d observations%n", candidate, control,
                        truth, decision.get("difference_lower").asDouble(), decision.get("difference_upper").asDouble(),
                        decision.get("state").asString(), decision.get("evidence").asString(), decision.get("observations").asLong());
                assertThat(truth).isBetween(decision.get("difference_lower").asDouble(), decision.get("difference_upper").asDouble());
                if (truth < -decision.get("margin").asDouble()) {
                    assertThat(decision.get("state").asString()).isNotEqualTo("replace");
                }
            }
        }
    }

    private static String modelOf(JsonNode report, String variant) {
        return report.get("variants").valueStream().filter(v -> v.get("variant").asString().equals(variant))
                .findFirst().orElseThrow().get("model").get("model").asString();
    }

    /** Top-1 in percent on the validation set, as {@code models eval} wrote it into the manifest. */
    private static double offlineTop1(String model) throws IOException {
        return Http.JSON.readTree(Files.readString(Path.of(EmbeddedModelsTest.REPOSITORY, model, "1", "manifest.json")))
                .get("accuracy").get("top1").asDouble();
    }
}
