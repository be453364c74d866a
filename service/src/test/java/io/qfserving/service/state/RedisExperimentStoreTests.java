package io.qfserving.service.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.qfserving.service.experiment.CounterKey;
import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.ExperimentStoreContract;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.experiment.StateUnavailableException;
import io.qfserving.service.experiment.Variant;
import io.qfserving.service.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The Redis store against the contract, on a real Redis; its other replica is a second client with its own connections. */
class RedisExperimentStoreTests extends ExperimentStoreContract {

    private static RedisServer redis;
    private static final AtomicInteger DEPLOYMENTS = new AtomicInteger();

    private final List<RedisClients> clients = new ArrayList<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private String prefix;
    private ExperimentStore peer;

    @Override
    protected ExperimentStore createStore() {
        if (redis == null) {
            redis = RedisServer.start();
        }
        // A fresh key prefix per test: the same Redis, separate state, as several deployments would share it.
        prefix = "test-" + DEPLOYMENTS.incrementAndGet();
        peer = null;
        return connect(prefix);
    }

    private ExperimentStore connect(String keyPrefix) {
        RedisClients connection = RedisClients.connect(redis.url());
        clients.add(connection);
        StateProperties properties = new StateProperties(keyPrefix, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5));
        return new RedisExperimentStore(connection.template(), connection.listeners(), JsonMapper.builder().build(),
                (operation, cause) -> errors.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet(),
                properties, TTL, "127.0.0.1:" + redis.port());
    }

    @Override
    protected ExperimentStore peer() {
        if (peer == null) {
            peer = connect(prefix);
        }
        return peer;
    }

    @Override
    protected void elapse(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void awaitSubscribed() {
        // The listener container subscribes asynchronously; Redis tells when it has the subscription.
        await().until(() -> redis.subscribers(prefix + ":experiment-changes") > 0);
    }

    @AfterEach
    void disconnect() {
        clients.forEach(RedisClients::close);
        clients.clear();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Test
    void deploymentsWithDifferentKeyPrefixesShareNothing() {
        store.save(new Experiment("mobilenet-v2-ab", List.of(new Variant("a", "m", null, 1)), null, false, null), "");

        ExperimentStore otherDeployment = connect(prefix + "-other");

        assertThat(otherDeployment.experiments()).isEmpty();
        assertThat(otherDeployment.experiment("mobilenet-v2-ab")).isEmpty();
    }

    @Test
    void withRedisDownTheRequestPathGoesOnAndCountsWhatItLostWhileEverythingElseSaysSoThenItRecovers() {
        CounterKey key = CounterKey.served("mobilenet-v2-ab", 1, "qf-int8", "1");
        PendingPrediction served = new PendingPrediction(new PendingPrediction.ServedBy("m", "1", "qf", "int8", "onnxruntime"),
                "http", key, new int[] {1});
        store.ping();
        redis.stop();
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                store.served("request-" + i, served, Duration.ofMillis(5));
                store.shadowCompared(key, true);
            }
            // The point of the test: 20 served requests, each bounded by the 50 ms request timeout, 1 s at most.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            await().untilAsserted(() -> assertThat(errors).containsKeys("served", "shadow comparison"));
            assertThat(errors.get("served").get()).isEqualTo(20);
            assertThatThrownBy(() -> store.prediction("request-0")).isInstanceOf(StateUnavailableException.class);
            assertThatThrownBy(store::ping).isInstanceOf(StateUnavailableException.class);
        } finally {
            redis.restart();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(store::ping);
        store.served("after", served, Duration.ofMillis(5));
        assertThat(peer().prediction("after")).contains(served);
    }
}
