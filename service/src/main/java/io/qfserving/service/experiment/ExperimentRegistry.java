package io.qfserving.service.experiment;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The experiments in force, by public model name. Safe for concurrent use: {@link #replace} validates
 * first and then swaps the experiment in one step, so a request is routed by the old experiment or by
 * the new one, never by a mix; a refused change leaves the old experiment routing.
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
     * Validates the experiment and puts it in force, in place of any experiment of the same name.
     *
     * @throws InvalidExperimentException listing every problem; nothing changes then
     */
    public void replace(Experiment experiment) {
        validator.validate(experiment);
        routers.put(experiment.name(), new ExperimentRouter(experiment, random));
    }

    public Optional<Experiment> get(String name) {
        return Optional.ofNullable(routers.get(name)).map(ExperimentRouter::experiment);
    }

    /** The experiments in force, by name. */
    public List<Experiment> list() {
        return routers.values().stream().map(ExperimentRouter::experiment)
                .sorted(Comparator.comparing(Experiment::name)).toList();
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
