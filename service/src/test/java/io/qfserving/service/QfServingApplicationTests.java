package io.qfserving.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The real server on a random port with the embedded default repository. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "qf.repository.path=../models/repository")
class QfServingApplicationTests {

    @LocalServerPort
    int port;

    @Value("${local.grpc.server.port}")
    int grpcPort;

    @LocalManagementPort
    int managementPort;

    @Test
    void everyPortIsFreeSoTestsRunBesideAServer() {
        assertThat(port).isPositive().isNotEqualTo(8080);
        assertThat(grpcPort).isPositive().isNotEqualTo(9090).isNotEqualTo(port);
        assertThat(managementPort).isPositive().isNotEqualTo(8081).isNotIn(port, grpcPort);
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthReportsEveryEmbeddedModel() throws Exception {
        ResponseEntity<Map> response = RestClient.create("http://localhost:" + managementPort)
                .get().uri("/actuator/health").retrieve().toEntity(Map.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, Object> models = (Map<String, Object>) ((Map<String, Object>) response.getBody().get("components")).get("models");
        assertThat(models.get("status")).isEqualTo("UP");
        Map<String, Object> loaded = (Map<String, Object>) ((Map<String, Object>) models.get("details")).get("loaded");
        List<String> embedded;
        try (Stream<Path> dirs = Files.list(Path.of("../models/repository"))) {
            embedded = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList();
        }
        assertThat(embedded).contains("qf-mobilenet-v2");
        assertThat(loaded).containsOnlyKeys(embedded);
        Map<String, Object> qfV2 = (Map<String, Object>) loaded.get("qf-mobilenet-v2");
        assertThat(qfV2).containsEntry("variant", "qf").containsEntry("precision", "float32")
                .containsEntry("architecture", "mobilenet-v2").containsKey("top1");
    }
}
