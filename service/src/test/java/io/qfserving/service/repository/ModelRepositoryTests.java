package io.qfserving.service.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Loading, hot reload and failure handling on small real models in a temporary repository. */
class ModelRepositoryTests {

    static final EngineProperties ENGINE = new EngineProperties(1, new EngineProperties.Batching(4, Duration.ZERO, 16, 1));

    @TempDir
    Path repo;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RepositoryListener recorder = new RepositoryListener() {
        @Override
        public void loaded(ServedModel model) {
            events.add("loaded " + model);
        }

        @Override
        public void retired(ServedModel model) {
            events.add("retired " + model);
        }

        @Override
        public void failed(String model, String version, String reason) {
            events.add("failed " + model + " v" + version);
        }
    };
    private ModelRepository repository;

    @AfterEach
    void close() {
        if (repository != null) {
            repository.destroy();
        }
    }

    private ModelRepository open(int versionsPerModel, Duration settleTime) {
        repository = new ModelRepository(new RepositoryProperties(repo.toString(), versionsPerModel, Duration.ZERO, settleTime,
                Duration.ofSeconds(5)), ENGINE, Clock.systemUTC(), List.of(recorder));
        return repository;
    }

    private static VersionStatus.State state(ModelRepository repository, String model, String version) {
        return repository.model(model).orElseThrow().version(version).orElseThrow().state();
    }

    @Test
    void servesTheNewestVersionThatWorksAndReportsTheBrokenOne() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        TestRepository.corruptVersion(repo, "tiny", 2);
        TestRepository.untrainedModel(repo, "other", 4);

        open(1, Duration.ZERO);

        assertThat(repository.models()).extracting(ModelStatus::name).containsExactly("other", "tiny");
        assertThat(state(repository, "tiny", "2")).isEqualTo(VersionStatus.State.FAILED);
        assertThat(repository.model("tiny").orElseThrow().version("2").orElseThrow().reason()).isNotBlank();
        try (ModelLease lease = repository.acquire("tiny", null)) {
            assertThat(lease.model().version()).isEqualTo("1");
        }
        Health health = new ModelsHealthIndicator(repository).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKeys("loaded", "failed");
        assertThat(events).contains("failed tiny v2", "loaded tiny v1", "loaded other v4");
    }

    @Test
    void unknownModelsAndVersionsAreNotFound() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        open(1, Duration.ZERO);

        assertThatThrownBy(() -> repository.acquire("nope", null))
                .isInstanceOfSatisfying(ServingException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThatThrownBy(() -> repository.acquire("tiny", "9"))
                .isInstanceOfSatisfying(ServingException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void aNewVersionTakesOverAndTheOldOneFinishesItsRequestsBeforeUnloading() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        open(1, Duration.ZERO);
        ModelLease inFlight = repository.acquire("tiny", null);
        var queued = inFlight.model().submit(List.of(new float[32 * 32 * 3]), null);

        TestRepository.untrainedModel(repo, "tiny", 2);
        Thread releaser = Thread.ofVirtual().start(() -> {
            sleep(300);
            inFlight.close();
        });
        repository.rescan();

        try (ModelLease lease = repository.acquire("tiny", null)) {
            assertThat(lease.model().version()).isEqualTo("2");
        }
        assertThat(queued.getFirst().get(5, TimeUnit.SECONDS).output().probabilities()).hasSize(2);
        releaser.join();
        assertThat(state(repository, "tiny", "1")).isEqualTo(VersionStatus.State.AVAILABLE);
        assertThat(events).containsSubsequence("loaded tiny v2", "retired tiny v1");
    }

    @Test
    void aCorruptNewVersionIsRefusedAndTheWorkingOneKeepsServingUntilTheFilesAreFixed() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 2);
        open(1, Duration.ZERO);

        TestRepository.corruptVersion(repo, "tiny", 3);
        repository.rescan();
        repository.rescan();
        assertThat(state(repository, "tiny", "3")).isEqualTo(VersionStatus.State.FAILED);
        assertThat(events).as("a failed version is not retried while its files stay the same").containsOnlyOnce("failed tiny v3");
        try (ModelLease lease = repository.acquire("tiny", null)) {
            assertThat(lease.model().version()).isEqualTo("2");
        }

        delete(repo.resolve("tiny").resolve("3"));
        TestRepository.untrainedModel(repo, "tiny", 3);
        repository.rescan();
        assertThat(state(repository, "tiny", "3")).isEqualTo(VersionStatus.State.READY);
    }

    @Test
    void aVersionWhoseFilesAreStillChangingWaitsForTheNextScan() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        open(1, Duration.ofHours(1));

        assertThat(state(repository, "tiny", "1")).as("start-up loads without waiting").isEqualTo(VersionStatus.State.READY);
        TestRepository.untrainedModel(repo, "tiny", 2);
        repository.rescan();
        assertThat(state(repository, "tiny", "2")).isEqualTo(VersionStatus.State.PENDING);
        try (ModelLease lease = repository.acquire("tiny", null)) {
            assertThat(lease.model().version()).isEqualTo("1");
        }
    }

    @Test
    void servesSeveralVersionsWhenAskedTo() throws Exception {
        for (int v = 1; v <= 3; v++) {
            TestRepository.untrainedModel(repo, "tiny", v);
        }
        open(2, Duration.ZERO);

        assertThat(repository.model("tiny").orElseThrow().versions()).extracting(VersionStatus::state)
                .containsExactly(VersionStatus.State.READY, VersionStatus.State.READY, VersionStatus.State.AVAILABLE);
        try (ModelLease lease = repository.acquire("tiny", "2")) {
            assertThat(lease.model().version()).isEqualTo("2");
        }
        assertThatThrownBy(() -> repository.acquire("tiny", "1")).hasMessageContaining("not served");
    }

    @Test
    void aRemovedModelFolderIsUnloaded() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        TestRepository.untrainedModel(repo, "other", 1);
        open(1, Duration.ZERO);

        delete(repo.resolve("other"));
        repository.rescan();

        assertThat(repository.models()).extracting(ModelStatus::name).containsExactly("tiny");
        assertThat(events).contains("retired other v1");
    }

    @Test
    void healthIsDownWhenNoModelLoads() throws Exception {
        TestRepository.untrainedModel(repo, "tiny", 1);
        TestRepository.corruptVersion(repo, "tiny", 2);
        delete(repo.resolve("tiny").resolve("1"));

        open(1, Duration.ZERO);
        assertThat(new ModelsHealthIndicator(repository).health().getStatus()).isEqualTo(Status.DOWN);
        assertThatThrownBy(() -> repository.acquire("tiny", null))
                .isInstanceOfSatisfying(ServingException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    }

    @Test
    void refusesToStartWithoutARepository() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new ModelRepository(new RepositoryProperties(repo.resolve("missing").toString(), 1, Duration.ZERO,
                        Duration.ZERO, Duration.ZERO), ENGINE, Clock.systemUTC(), List.of()))
                .withMessageContaining("model repository not found");
    }

    static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
