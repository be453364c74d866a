package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Experiments in force: replaced only by valid, newer revisions, looked up and routed by public model name. */
class ExperimentRegistryTests {

    private final ExperimentRegistry registry = new ExperimentRegistry(Fixtures.LOADED_MODELS, new SplittableRandom(7));

    @Test
    void aRefusedChangeKeepsTheOldExperimentRouting() {
        StoredExperiment old = Fixtures.stored(Fixtures.fourArms(100, 0, 0, 0), 1);
        registry.apply(old);

        assertThatThrownBy(() -> registry.apply(Fixtures.stored(Fixtures.fourArms(0, 0, 0, 0), 2)))
                .isInstanceOf(InvalidExperimentException.class);

        assertThat(registry.get("mobilenet-v2-ab")).contains(old);
        assertThat(IntStream.range(0, 100).mapToObj(i -> registry.route("mobilenet-v2-ab", null, null).orElseThrow().variant()))
                .containsOnly("baseline-float");
    }

    @Test
    void aNewerRevisionTakesOverTheRoutingAndItsRoutesCarryIt() {
        assertThat(registry.apply(Fixtures.stored(Fixtures.fourArms(100, 0, 0, 0), 1))).isTrue();
        assertThat(registry.apply(Fixtures.stored(Fixtures.fourArms(0, 0, 0, 100), 2))).isTrue();

        Route route = registry.route("mobilenet-v2-ab", "client-1", null).orElseThrow();
        assertThat(route.variant()).isEqualTo("qf-int8");
        assertThat(route.counters("1")).isEqualTo(new CounterKey("mobilenet-v2-ab", 2, "qf-int8", "1"));
        assertThat(registry.list()).containsExactly(Fixtures.stored(Fixtures.fourArms(0, 0, 0, 100), 2));
    }

    @Test
    void anOlderOrEqualRevisionArrivingLateChangesNothing() {
        StoredExperiment newest = Fixtures.stored(Fixtures.fourArms(0, 0, 0, 100), 5);
        registry.apply(newest);

        assertThat(registry.apply(Fixtures.stored(Fixtures.fourArms(100, 0, 0, 0), 4))).isFalse();
        assertThat(registry.apply(Fixtures.stored(Fixtures.fourArms(100, 0, 0, 0), 5))).isFalse();

        assertThat(registry.get("mobilenet-v2-ab")).contains(newest);
    }

    @Test
    void aNameWithoutAnExperimentRoutesNowhere() {
        registry.apply(Fixtures.stored(Fixtures.fourArms(25, 25, 25, 25)));

        assertThat(registry.route("mobilenet-v1", null, null)).isEmpty();
        assertThat(registry.get("mobilenet-v1")).isEmpty();
    }

    @Test
    void experimentsAreListedByName() {
        Experiment v2 = Fixtures.fourArms(25, 25, 25, 25);
        Experiment v1 = new Experiment("mobilenet-v1-ab", v2.variants(), null, false, null);
        registry.apply(Fixtures.stored(v2));
        registry.apply(Fixtures.stored(v1));

        assertThat(registry.list()).extracting(StoredExperiment::name).containsExactly("mobilenet-v1-ab", "mobilenet-v2-ab");
    }

    @Test
    void overridesAreCheckedAgainstTheExperimentInForce() {
        registry.apply(Fixtures.stored(Fixtures.fourArms(25, 25, 25, 25), 1));
        assertThatThrownBy(() -> registry.route("mobilenet-v2-ab", null, "qf-int8")).isInstanceOf(OverrideRefusedException.class);

        registry.apply(Fixtures.stored(Fixtures.allowingOverride(Fixtures.fourArms(25, 25, 25, 25)), 2));
        assertThat(registry.route("mobilenet-v2-ab", null, "qf-int8").orElseThrow().variant()).isEqualTo("qf-int8");
    }

    @Test
    void concurrentReadersSeeEitherTheOldOrTheNewExperimentNeverAFailure() throws InterruptedException {
        Experiment allBaseline = Fixtures.fourArms(100, 0, 0, 0);
        Experiment allQf = Fixtures.fourArms(0, 0, 0, 100);
        ExperimentRegistry shared = new ExperimentRegistry(Fixtures.LOADED_MODELS, new Random(7));
        shared.apply(Fixtures.stored(allBaseline, 0));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 20_000; i++) {
                seen.add(shared.route("mobilenet-v2-ab", "client-" + i, null).orElseThrow().variant());
            }
        });
        for (int i = 1; i <= 200; i++) {
            shared.apply(Fixtures.stored(i % 2 == 0 ? allBaseline : allQf, i));
        }
        reader.join();

        // Which of the two a reader sees depends on timing; that it only ever sees one of them, whole, does not.
        assertThat(seen).hasSize(20_000).isSubsetOf("baseline-float", "qf-int8");
    }
}
