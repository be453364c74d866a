package io.qfserving.service.state;

import io.qfserving.service.experiment.CounterKey;
import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.experiment.StateUnavailableException;
import io.qfserving.service.experiment.StoredExperiment;
import io.qfserving.service.experiment.VariantCounters;
import io.qfserving.service.experiment.VariantTally;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The experiment state in Redis, shared by every replica pointed at it. Every key starts with
 * {@code {prefix}:} (a hash tag, so the multi-key scripts below also run on a Redis Cluster).
 *
 * <ul>
 *   <li>{@code {p}:experiment:<name>}: a hash of {@code revision} (incremented on every write),
 *       {@code basis} and {@code definition} (JSON); {@code {p}:experiments}: the set of names. A save
 *       is one script that also publishes the name on {@code <p>:experiment-changes}.</li>
 *   <li>{@code {p}:prediction:<request id>}: a hash of what served it, its top-1 classes, the shadow's
 *       once it answers, and a {@code labelled:<image>} field per image with feedback; it expires
 *       after {@code qf.feedback.ttl}. Feedback sets its field with HSETNX and counts in one script,
 *       so the same feedback sent to two replicas counts once.</li>
 *   <li>{@code {p}:counters:<experiment>:<revision>}: a hash of {@code <count>|<tally>} fields
 *       ({@link VariantTally}, {@link CounterKey#tally()}), incremented with HINCRBY.</li>
 * </ul>
 *
 * A served request is one script (its counts and its prediction), waited for at most
 * {@code qf.state.request-timeout} so that feedback finds it on any replica once the answer is out;
 * the shadow's writes do not wait. The Lettuce client
 * fails commands at once while disconnected instead of queueing them ({@link StateConfiguration}).
 */
final class RedisExperimentStore implements ExperimentStore {

    // The scripts lie beside this class (io/qfserving/service/state/*.lua), each saying what it takes.
    private static final RedisScript<Long> SAVE = script("save.lua");
    private static final RedisScript<Long> SERVED = script("served.lua");
    private static final RedisScript<Long> SET_IF_PRESENT = script("set-if-present.lua");
    private static final RedisScript<Long> FEEDBACK = script("feedback.lua");
    private static final RedisScript<Long> INCREMENT = script("increment.lua");

    private final ReactiveStringRedisTemplate redis;
    private final RedisMessageListenerContainer listeners;
    private final JsonMapper json;
    private final ErrorListener errors;
    private final StateProperties properties;
    private final Duration predictionTtl;
    private final String address;
    private final String keys;
    private final String changes;

    /**
     * @param listeners the container that delivers the change channel's messages (started by its owner)
     * @param address where the Redis is, for the health endpoint (no credentials)
     */
    RedisExperimentStore(ReactiveStringRedisTemplate redis, RedisMessageListenerContainer listeners, JsonMapper json,
            ErrorListener errors, StateProperties properties, Duration predictionTtl, String address) {
        this.redis = redis;
        this.listeners = listeners;
        this.json = json;
        this.errors = errors;
        this.properties = properties;
        this.predictionTtl = predictionTtl;
        this.address = address;
        this.keys = "{" + properties.keyPrefix() + "}:";
        this.changes = properties.keyPrefix() + ":experiment-changes";
    }

    // Experiments

    @Override
    public List<StoredExperiment> experiments() {
        List<StoredExperiment> stored = new ArrayList<>();
        for (String name : await("list experiments", redis.opsForSet().members(keys + "experiments").collectList())) {
            experiment(name).ifPresent(stored::add);
        }
        stored.sort(Comparator.comparing(StoredExperiment::name));
        return stored;
    }

    @Override
    public Optional<StoredExperiment> experiment(String name) {
        Map<String, String> hash = hash("read experiment", experimentKey(name));
        if (!hash.containsKey("definition")) {
            return Optional.empty();
        }
        return Optional.of(new StoredExperiment(json.readValue(hash.get("definition"), Experiment.class),
                Long.parseLong(hash.get("revision")), hash.get("basis")));
    }

    @Override
    public StoredExperiment save(Experiment experiment, String basis) {
        return write(experiment, basis, false);
    }

    @Override
    public StoredExperiment saveUnlessBasedOn(Experiment experiment, String basis) {
        return write(experiment, basis, true);
    }

    private StoredExperiment write(Experiment experiment, String basis, boolean unlessBasedOn) {
        long revision = await("save experiment", redis.execute(SAVE, List.of(experimentKey(experiment.name()), keys + "experiments"),
                List.of(experiment.name(), json.writeValueAsString(experiment), basis, unlessBasedOn ? "1" : "0", changes)).next());
        if (revision == 0) {
            return experiment(experiment.name()).orElseThrow(() -> new StateUnavailableException("save experiment",
                    new IllegalStateException("experiment " + experiment.name() + " vanished while it was saved")));
        }
        return new StoredExperiment(experiment, revision, basis);
    }

    @Override
    public void subscribe(Consumer<String> listener) {
        listeners.addMessageListener((message, pattern) -> listener.accept(new String(message.getBody(), StandardCharsets.UTF_8)),
                new ChannelTopic(changes));
    }

    private String experimentKey(String name) {
        return keys + "experiment:" + name;
    }

    // Predictions

    @Override
    public void served(String requestId, PendingPrediction prediction, Duration latency) {
        CounterKey counters = prediction.counters();
        List<String> counts = counters == null ? List.of() : fields(counters, VariantTally.served(latency));
        List<String> args = new ArrayList<>(List.of(Long.toString(predictionTtl.toMillis()), Integer.toString(counts.size())));
        args.addAll(counts);
        args.addAll(PredictionHash.fields(prediction));
        String key = predictionKey(requestId);
        // Waited for, briefly: feedback may reach another replica as soon as the answer is out.
        var written = redis.execute(SERVED, List.of(key, counters == null ? key : countersKey(counters)), args).then().toFuture();
        try {
            written.get(properties.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            errors.failed("served", e.getCause());
        } catch (TimeoutException e) {
            errors.failed("served", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.failed("served", e);
        }
    }

    @Override
    public void shadowAnswered(String requestId, String shadowVersion, int[] shadowTop1) {
        fireAndForget("shadow answer", redis.execute(SET_IF_PRESENT, List.of(predictionKey(requestId)),
                PredictionHash.shadowFields(shadowVersion, shadowTop1)).then());
    }

    @Override
    public Optional<PendingPrediction> prediction(String requestId) {
        return PredictionHash.read(hash("read prediction", predictionKey(requestId)));
    }

    @Override
    public FeedbackOutcome recordFeedback(String requestId, int image, List<VariantTally.Count> counts) {
        String prediction = predictionKey(requestId);
        List<String> args = new ArrayList<>();
        args.add("labelled:" + image);
        counts.forEach(count -> args.add(field(count.key(), count.name())));
        // Every count of one feedback belongs to one revision of one experiment: one hash.
        String hash = counts.isEmpty() ? prediction : countersKey(counts.getFirst().key());
        long outcome = await("record feedback", redis.execute(FEEDBACK, List.of(prediction, hash), args).next());
        return outcome == 1 ? FeedbackOutcome.COUNTED : outcome == 0 ? FeedbackOutcome.ALREADY_LABELLED : FeedbackOutcome.UNKNOWN;
    }

    private String predictionKey(String requestId) {
        return keys + "prediction:" + requestId;
    }

    // Counters

    @Override
    public void shadowCompared(CounterKey counters, boolean agreed) {
        fireAndForget("shadow comparison", redis.execute(INCREMENT, List.of(countersKey(counters)),
                fields(counters, VariantTally.shadowCompared(agreed))).then());
    }

    /** Counts as hash fields: {@code <count>|<tally>}. */
    private static List<String> fields(CounterKey counters, List<String> names) {
        return names.stream().map(name -> field(counters, name)).toList();
    }

    private static String field(CounterKey counters, String name) {
        return name + '|' + counters.tally();
    }

    @Override
    public Map<String, VariantCounters> counters(String experiment, long revision) {
        Map<String, String> hash = hash("read counters", countersKey(experiment, revision));
        Map<String, Map<String, Long>> byTally = new LinkedHashMap<>();
        hash.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(field -> {
            int bar = field.getKey().indexOf('|');
            byTally.computeIfAbsent(field.getKey().substring(bar + 1), t -> new HashMap<>())
                    .put(field.getKey().substring(0, bar), Long.parseLong(field.getValue()));
        });
        Map<String, VariantCounters> counters = new LinkedHashMap<>();
        byTally.forEach((tally, counts) -> counters.put(tally, VariantTally.counters(counts)));
        return counters;
    }

    private String countersKey(String experiment, long revision) {
        return keys + "counters:" + experiment + ":" + revision;
    }

    private String countersKey(CounterKey counters) {
        return countersKey(counters.experiment(), counters.revision());
    }

    // The store itself

    @Override
    public void ping() {
        await("ping", redis.execute(connection -> connection.ping()).next());
    }

    @Override
    public String describe() {
        return "redis " + address + ", key prefix " + properties.keyPrefix();
    }

    @Override
    public void close() {
        // The connection and the listener container belong to Spring, which closes them.
    }

    /** A whole hash; empty when the key does not exist. */
    private Map<String, String> hash(String operation, String key) {
        return await(operation, redis.<String, String>opsForHash().entries(key).collectMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private <T> T await(String operation, Mono<T> call) {
        try {
            T result = call.block(properties.timeout());
            if (result == null) {
                throw new IllegalStateException("no answer");
            }
            return result;
        } catch (RuntimeException e) {
            throw new StateUnavailableException(operation, e);
        }
    }

    private void fireAndForget(String operation, Mono<Void> call) {
        call.subscribe(null, failure -> errors.failed(operation, failure));
    }

    /**
     * Read once: a script built on the resource itself would check the resource for changes on
     * every call, and the served script runs on every classify call.
     */
    private static RedisScript<Long> script(String name) {
        try {
            return RedisScript.of(new ClassPathResource(name, RedisExperimentStore.class).getContentAsString(StandardCharsets.UTF_8),
                    Long.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Redis script " + name, e);
        }
    }
}
