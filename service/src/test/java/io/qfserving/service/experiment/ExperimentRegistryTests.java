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

/** Experiments in force: replaced only by valid ones, looked up and routed by public model name. */
class ExperimentRegistryTests {

    private final ExperimentRegistry registry = new ExperimentRegistry(Fixtures.LOADED_MODELS, new SplittableRandom(7));

    @Test
    void aRefusedChangeKeepsTheOldExperimentRouting() {
        Experiment old = Fixtures.fourArms(100, 0, 0, 0);
        registry.replace(old);

        assertThatThrownBy(() -> registry.replace(Fixtures.fourArms(0, 0, 0, 0)))
                .isInstanceOf(InvalidExperimentException.class);

        assertThat(registry.get("mobilenet-v2")).contains(old);
        assertThat(IntStream.range(0, 100).mapToObj(i -> registry.route("mobilenet-v2", null, null).orElseThrow().variant()))
                .containsOnly("baseline-float");
    }

    @Test
    void aValidChangeTakesOverTheRouting() {
        registry.replace(Fixtures.fourArms(100, 0, 0, 0));
        registry.replace(Fixtures.fourArms(0, 0, 0, 100));

        assertThat(registry.route("mobilenet-v2", "client-1", null).orElseThrow().variant()).isEqualTo("qf-int8");
        assertThat(registry.list()).containsExactly(Fixtures.fourArms(0, 0, 0, 100));
    }

    @Test
    void aNameWithoutAnExperimentRoutesNowhere() {
        registry.replace(Fixtures.fourArms(25, 25, 25, 25));

        assertThat(registry.route("mobilenet-v1", null, null)).isEmpty();
        assertThat(registry.get("mobilenet-v1")).isEmpty();
    }

    @Test
    void experimentsAreListedByName() {
        Experiment v2 = Fixtures.fourArms(25, 25, 25, 25);
        Experiment v1 = new Experiment("mobilenet-v1", v2.variants(), null, false, null);
        registry.replace(v2);
        registry.replace(v1);

        assertThat(registry.list()).extracting(Experiment::name).containsExactly("mobilenet-v1", "mobilenet-v2");
    }

    @Test
    void overridesAreCheckedAgainstTheExperimentInForce() {
        registry.replace(Fixtures.fourArms(25, 25, 25, 25));
        assertThatThrownBy(() -> registry.route("mobilenet-v2", null, "qf-int8")).isInstanceOf(OverrideRefusedException.class);

        registry.replace(Fixtures.allowingOverride(Fixtures.fourArms(25, 25, 25, 25)));
        assertThat(registry.route("mobilenet-v2", null, "qf-int8").orElseThrow().variant()).isEqualTo("qf-int8");
    }

    @Test
    void concurrentReadersSeeEitherTheOldOrTheNewExperimentNeverAFailure() throws InterruptedException {
        Experiment allBaseline = Fixtures.fourArms(100, 0, 0, 0);
        Experiment allQf = Fixtures.fourArms(0, 0, 0, 100);
        ExperimentRegistry shared = new ExperimentRegistry(Fixtures.LOADED_MODELS, new Random(7));
        shared.replace(allBaseline);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 20_000; i++) {
                seen.add(shared.route("mobilenet-v2", "client-" + i, null).orElseThrow().variant());
            }
        });
        for (int i = 0; i < 200; i++) {
            shared.replace(i % 2 == 0 ? allQf : allBaseline);
        }
        reader.join();

        // Which of the two a reader sees depends on timing; that it only ever sees one of them, whole, does not.
        assertThat(seen).hasSize(20_000).isSubsetOf("baseline-float", "qf-int8");
    }
}
