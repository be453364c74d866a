package io.qfserving.service.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ModelRepositoryTests {

    @TempDir
    Path repo;

    @Test
    void loadsTheNewestVersionThatWorksAndReportsTheBrokenOne() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        TestRepository.corruptVersion(repo, "tiny", 2);
        TestRepository.untrainedModel(repo, "other", 4);

        ModelRepository repository = new ModelRepository(new RepositoryProperties(repo.toString()));
        try {
            assertThat(repository.models()).containsOnlyKeys("other", "tiny");
            assertThat(repository.models().get("other").version()).isEqualTo("4");
            assertThat(repository.failures()).containsOnlyKeys("tiny/2");

            Health health = new ModelsHealthIndicator(repository).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKeys("loaded", "failed");
        } finally {
            repository.destroy();
        }
    }

    @Test
    void healthIsDownWhenNoModelLoads() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        TestRepository.corruptVersion(repo, "tiny", 2);
        java.nio.file.Files.walk(repo.resolve("tiny").resolve("1"))
                .sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

        ModelRepository repository = new ModelRepository(new RepositoryProperties(repo.toString()));
        assertThat(new ModelsHealthIndicator(repository).health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void refusesToStartWithoutARepository() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new ModelRepository(new RepositoryProperties(repo.resolve("missing").toString())))
                .withMessageContaining("model repository not found");
    }
}
