package io.qfserving.service.experiment;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The experiments this replica routes by, by public model name, each at the newest revision it has
 * seen. Safe for concurrent use: {@link #apply} validates first and then swaps the experiment in one
 * step, so a request is routed by the old experiment or by the new one, never by a mix; a refused
 * or older revision leaves the one in force routing.
 */
public final class ExperimentRegistry {

    private final ExperimentValidator validator;
    private final RandomGenerator random;
    private final Map<String, ExperimentRouter> routers = new ConcurrentHashMap<>();

    /**
     * @param loadedModels answers whether a model named by an experiment is loaded
     * @param random the source of weighted draws and shadow decisions; it is called from request
     *     threads at once, so it must be thread-safe ({@code ThreadLocalRandom.current()} or
     *     {@code java.util.Random} in production, a seeded one in single-threaded tests)
     */
    public ExperimentRegistry(LoadedModels loadedModels, RandomGenerator random) {
        this.validator = new ExperimentValidator(loadedModels);
        this.random = random;
    }

    /**
     * Checks that this replica could route the experiment.
     *
     * @throws InvalidExperimentException listing every problem
     */
    public void validate(Experiment experiment) {
        validator.validate(experiment);
    }

    /**
     * Validates the experiment and puts it in force, unless a revision at least as new already is.
     *
     * @return whether it is now in force
     * @throws InvalidExperimentException listing every problem; nothing changes then
     */
    public boolean apply(StoredExperiment stored) {
        validator.validate(stored.experiment());
        ExperimentRouter candidate = new ExperimentRouter(stored, random);
        ExperimentRouter inForce = routers.merge(stored.name(), candidate,
                (old, fresh) -> fresh.stored().revision() > old.stored().revision() ? fresh : old);
        return inForce == candidate;
    }

    public Optional<StoredExperiment> get(String name) {
        return Optional.ofNullable(routers.get(name)).map(ExperimentRouter::stored);
    }

    /** The experiments in force, by name. */
    public List<StoredExperiment> list() {
        return routers.values().stream().map(ExperimentRouter::stored)
                .sorted(Comparator.comparing(StoredExperiment::name)).toList();
    }

    /**
     * Routes a request for a public model name.
     *
     * @param clientKey the {@code X-Client-Id} header, or null: with one, a client keeps its variant
     * @param override a variant name the client pins, or null
     * @return where it goes, or empty when no experiment runs under that name (serve the model itself)
     * @throws OverrideRefusedException when the override is not allowed or names no variant
     */
    public Optional<Route> route(String name, String clientKey, String override) {
        return Optional.ofNullable(routers.get(name)).map(router -> router.route(clientKey, override));
    }
}
