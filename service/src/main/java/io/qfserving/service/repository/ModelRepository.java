package io.qfserving.service.repository;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The models this server holds, read from a Triton-style repository folder: for each model folder,
 * its newest {@code versionsPerModel} versions that load and answer a warm-up inference. Everything
 * is loaded before the server reports ready; after that the folder is rescanned every
 * {@code pollInterval}: a new version is loaded and warmed up beside the serving one and only then
 * takes over, the version it replaces is unloaded once its requests have finished, and a version that
 * fails is reported and skipped without ever replacing a working one.
 *
 * <p>Reads are lock-free (an immutable snapshot); scans run on one thread.
 */
@Component
public class ModelRepository implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

    /** One model's versions: the ones serving, and what is known of the rest. */
    private record Entry(Map<Long, VersionStatus> versions) {}

    /** A failed version and the state of its files when it failed, so it is retried only after they change. */
    private record Failure(String reason, long fingerprint) {}

    private final RepositoryProperties properties;
    private final ModelLoader loader;
    private final RepositoryListener listener;
    private final Clock clock;
    private final Map<String, Failure> failures = new TreeMap<>();
    private final ScheduledExecutorService poller;
    private volatile Map<String, Entry> entries = Map.of();

    ModelRepository(RepositoryProperties properties, EngineProperties engine, Clock clock, List<RepositoryListener> listeners) {
        this.properties = properties;
        this.clock = clock;
        this.listener = fanOut(listeners);
        this.loader = new ModelLoader(engine, clock, listener);
        if (!Files.isDirectory(properties.directory())) {
            throw new IllegalStateException("model repository not found: " + properties.directory() + " (set qf.repository.path)");
        }
        scan(Duration.ZERO);
        if (properties.pollInterval().isPositive()) {
            poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("repository-poller").daemon().factory());
            long period = properties.pollInterval().toMillis();
            poller.scheduleWithFixedDelay(this::rescan, period, period, TimeUnit.MILLISECONDS);
        } else {
            poller = null;
        }
    }

    /**
     * Holds a version for a request: the named one, or the newest ready one when {@code version} is
     * null. Close the lease when the request is done.
     *
     * @throws ServingException NOT_FOUND for an unknown model or a version that is not served,
     *     UNAVAILABLE when the model has no ready version
     */
    public ModelLease acquire(String name, String version) {
        for (int attempt = 0; attempt < 3; attempt++) {
            ModelStatus model = model(name).orElseThrow(() -> ServingException.notFound(
                    "model '" + name + "' not found; the repository has " + entries.keySet()));
            ServedModel served = version == null ? model.newestReady().orElseThrow(() -> new ServingException(
                    ErrorKind.UNAVAILABLE, "model '" + name + "' has no ready version")) : servedVersion(model, version);
            if (served.tryLease()) {
                return new ModelLease(served);
            }
            // It was retired between the lookup and the lease: look again, a newer version took over.
        }
        throw new ServingException(ErrorKind.UNAVAILABLE, "model '" + name + "' is being reloaded; retry");
    }

    private static ServedModel servedVersion(ModelStatus model, String version) {
        VersionStatus status = model.version(version).orElseThrow(() -> ServingException.notFound(
                "model '" + model.name() + "' has no version '" + version + "'"));
        if (status.state() != VersionStatus.State.READY) {
            throw ServingException.notFound("version " + version + " of model '" + model.name() + "' is not served ("
                    + status.state().name().toLowerCase() + (status.reason() != null ? ": " + status.reason() : "") + ")");
        }
        return status.model();
    }

    /** Every model folder with its versions, by name. */
    public List<ModelStatus> models() {
        return entries.entrySet().stream().map(e -> status(e.getKey(), e.getValue())).toList();
    }

    public Optional<ModelStatus> model(String name) {
        Entry entry = entries.get(name);
        return entry == null ? Optional.empty() : Optional.of(status(name, entry));
    }

    private static ModelStatus status(String name, Entry entry) {
        List<VersionStatus> newestFirst = new ArrayList<>(entry.versions().values());
        Collections.reverse(newestFirst);
        return new ModelStatus(name, newestFirst);
    }

    /** Rescans now with the configured settle time (the poller's job; tests call it directly). */
    void rescan() {
        try {
            scan(properties.settleTime());
        } catch (RuntimeException e) {
            log.error("repository scan failed; serving what was loaded", e);
        }
    }

    private synchronized void scan(Duration settleTime) {
        Map<String, Entry> previous = entries;
        Map<String, Entry> next = new TreeMap<>();
        List<ServedModel> replaced = new ArrayList<>();
        for (Path modelDir : subfolders(properties.directory())) {
            String name = modelDir.getFileName().toString();
            Entry old = previous.getOrDefault(name, new Entry(Map.of()));
            next.put(name, scanModel(name, modelDir, old, settleTime));
        }
        for (Map.Entry<String, Entry> old : previous.entrySet()) {
            Entry now = next.get(old.getKey());
            for (VersionStatus v : old.getValue().versions().values()) {
                if (v.model() != null && (now == null || now.versions().values().stream().noneMatch(n -> n.model() == v.model()))) {
                    replaced.add(v.model());
                }
            }
        }
        entries = Collections.unmodifiableMap(next);
        for (ServedModel model : replaced) {
            log.info("unloading {}", model);
            model.retire(properties.drainTimeout());
            listener.retired(model);
        }
    }

    /** Newest first: keep serving what serves, load new versions until enough are ready. */
    private Entry scanModel(String name, Path modelDir, Entry old, Duration settleTime) {
        Map<Long, VersionStatus> versions = new TreeMap<>();
        int ready = 0;
        for (Path versionDir : versionsNewestFirst(modelDir)) {
            long number = Long.parseLong(versionDir.getFileName().toString());
            String version = Long.toString(number);
            VersionStatus known = old.versions().get(number);
            if (ready >= properties.versionsPerModel()) {
                versions.put(number, new VersionStatus(version, VersionStatus.State.AVAILABLE, null, null));
                continue;
            }
            if (known != null && known.state() == VersionStatus.State.READY) {
                versions.put(number, known);
                ready++;
                continue;
            }
            VersionStatus status = tryLoad(name, version, versionDir, settleTime);
            versions.put(number, status);
            if (status.state() == VersionStatus.State.READY) {
                ready++;
            }
        }
        return new Entry(Collections.unmodifiableMap(versions));
    }

    private VersionStatus tryLoad(String name, String version, Path versionDir, Duration settleTime) {
        String key = name + "/" + version;
        FolderState files;
        try {
            files = FolderState.of(versionDir);
        } catch (UncheckedIOException e) {
            return new VersionStatus(version, VersionStatus.State.PENDING, null, "cannot read its files: " + e.getMessage());
        }
        Failure failure = failures.get(key);
        if (failure != null && failure.fingerprint() == files.fingerprint()) {
            return new VersionStatus(version, VersionStatus.State.FAILED, null, failure.reason());
        }
        if (files.lastModified() > clock.millis() - settleTime.toMillis()) {
            return new VersionStatus(version, VersionStatus.State.PENDING, null,
                    "files changed in the last " + settleTime.toMillis() + " ms");
        }
        try {
            ServedModel model = loader.load(name, version, versionDir);
            failures.remove(key);
            log.info("loaded {} v{} ({}, {}, {}) in warm-up {} ms", name, version, model.manifest().variant(),
                    model.manifest().precision(), model.engine(), model.warmup().toMillis());
            listener.loaded(model);
            return new VersionStatus(version, VersionStatus.State.READY, model, null);
        } catch (RuntimeException e) {
            String reason = Objects.requireNonNullElse(e.getMessage(), e.toString());
            failures.put(key, new Failure(reason, files.fingerprint()));
            log.error("skipping {} v{}: {}", name, version, reason);
            listener.failed(name, version, reason);
            return new VersionStatus(version, VersionStatus.State.FAILED, null, reason);
        }
    }

    @Override
    public void destroy() {
        if (poller != null) {
            poller.shutdownNow();
        }
        synchronized (this) {
            for (Entry entry : entries.values()) {
                for (VersionStatus v : entry.versions().values()) {
                    if (v.model() != null) {
                        v.model().retire(properties.drainTimeout());
                    }
                }
            }
            entries = Map.of();
        }
    }

    /** The files of a version folder: when they last changed, and a fingerprint of names, sizes and times. */
    private record FolderState(long lastModified, long fingerprint) {

        static FolderState of(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                long newest = 0;
                long fingerprint = 17;
                for (Path file : files.sorted().toList()) {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    long modified = attributes.lastModifiedTime().toMillis();
                    newest = Math.max(newest, modified);
                    fingerprint = 31 * fingerprint + Objects.hash(dir.relativize(file).toString(), attributes.size(), modified);
                }
                return new FolderState(newest, fingerprint);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Numeric version folders, newest first (Triton's and TF Serving's layout). */
    private static List<Path> versionsNewestFirst(Path modelDir) {
        return subfolders(modelDir).stream()
                .filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
                .sorted(Comparator.comparingLong((Path p) -> Long.parseLong(p.getFileName().toString())).reversed())
                .toList();
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RepositoryListener fanOut(List<RepositoryListener> listeners) {
        return new RepositoryListener() {
            @Override
            public void loaded(ServedModel model) {
                listeners.forEach(l -> l.loaded(model));
            }

            @Override
            public void retired(ServedModel model) {
                listeners.forEach(l -> l.retired(model));
            }

            @Override
            public void failed(String model, String version, String reason) {
                listeners.forEach(l -> l.failed(model, version, reason));
            }

            @Override
            public void batchRan(ServedModel model, int size) {
                listeners.forEach(l -> l.batchRan(model, size));
            }
        };
    }
}
