package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Sticky assignment: stable while weights stay, and moving only the changed share of keys when one changes. */
class WeightedRendezvousTests {

    private static final List<String> KEYS = IntStream.range(0, 10_000).mapToObj(i -> "client-" + i).toList();

    @Test
    void unchangedWeightsNeverMoveAKey() {
        Map<String, String> first = assign(rendezvous(Fixtures.fourArms(25, 25, 25, 25)));
        Map<String, String> rebuilt = assign(rendezvous(Fixtures.fourArms(25, 25, 25, 25)));

        assertThat(rebuilt).isEqualTo(first);
    }

    @Test
    void keysSpreadInProportionToTheWeights() {
        Map<String, Long> counts = assign(rendezvous(Fixtures.fourArms(10, 20, 30, 40))).values().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        // binomial standard deviation at 10,000 keys is at most 0.5 point; 2 points is 4 of them
        assertThat(counts.get("baseline-float") / 10_000.0).isCloseTo(0.10, within(0.02));
        assertThat(counts.get("baseline-int8") / 10_000.0).isCloseTo(0.20, within(0.02));
        assertThat(counts.get("qf-float") / 10_000.0).isCloseTo(0.30, within(0.02));
        assertThat(counts.get("qf-int8") / 10_000.0).isCloseTo(0.40, within(0.02));
    }

    /**
     * qf-int8's share goes from 25/100 to 30/105, so 30/105 - 25/100 = 3.57% of keys should move, all
     * of them to qf-int8. Each key moves independently with that probability, so the count is
     * binomial(10,000, 0.0357): mean 357, standard deviation 18.6. We allow 4 standard deviations.
     */
    @Test
    void raisingOneWeightFrom25To30MovesOnlyItsShareOfKeysAndOnlyTowardsIt() {
        Map<String, String> before = assign(rendezvous(Fixtures.fourArms(25, 25, 25, 25)));
        Map<String, String> after = assign(rendezvous(Fixtures.fourArms(25, 25, 25, 30)));

        List<String> moved = KEYS.stream().filter(k -> !before.get(k).equals(after.get(k))).toList();

        double expected = 10_000 * (30.0 / 105 - 25.0 / 100);
        assertThat((double) moved.size()).isCloseTo(expected, within(4 * Math.sqrt(expected * (1 - expected / 10_000))));
        assertThat(moved).allSatisfy(k -> assertThat(after.get(k)).isEqualTo("qf-int8"));
    }

    @Test
    void loweringOneWeightMovesKeysOnlyAwayFromIt() {
        Map<String, String> before = assign(rendezvous(Fixtures.fourArms(25, 25, 25, 25)));
        Map<String, String> after = assign(rendezvous(Fixtures.fourArms(25, 20, 25, 25)));

        List<String> moved = KEYS.stream().filter(k -> !before.get(k).equals(after.get(k))).toList();

        assertThat(moved).isNotEmpty().allSatisfy(k -> assertThat(before.get(k)).isEqualTo("baseline-int8"));
    }

    @Test
    void theSameKeyIsPlacedIndependentlyInDifferentExperiments() {
        List<Variant> arms = Fixtures.fourArms(25, 25, 25, 25).variants();
        Map<String, String> v2 = assign(new WeightedRendezvous("mobilenet-v2-ab", arms));
        Map<String, String> v1 = assign(new WeightedRendezvous("mobilenet-v1-ab", arms));

        long same = KEYS.stream().filter(k -> v1.get(k).equals(v2.get(k))).count();

        // independent placement agrees on a quarter of the keys (standard deviation 0.43 point)
        assertThat(same / 10_000.0).isCloseTo(0.25, within(0.02));
    }

    private static WeightedRendezvous rendezvous(Experiment experiment) {
        return new WeightedRendezvous(experiment.name(), experiment.variants());
    }

    private static Map<String, String> assign(WeightedRendezvous rendezvous) {
        return KEYS.stream().collect(Collectors.toMap(k -> k, k -> rendezvous.pick(k).name()));
    }
}
