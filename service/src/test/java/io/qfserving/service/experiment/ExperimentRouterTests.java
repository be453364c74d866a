package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.service.repository.ModelRef;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Weighted draws, sticky clients, overrides and shadow mirroring, with a seeded random source. */
class ExperimentRouterTests {

    private static final int DRAWS = 100_000;

    @Test
    void weightedDrawsSplitTrafficLikeTheWeights() {
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(10, 20, 30, 40)), new SplittableRandom(7));

        List<Route> routes = IntStream.range(0, DRAWS).mapToObj(i -> router.route(null, null)).toList();
        Map<String, Long> counts = routes.stream().collect(Collectors.groupingBy(Route::variant, Collectors.counting()));

        assertThat(routes).allMatch(r -> r.assignment() == Route.Assignment.WEIGHTED);

        // binomial standard deviation at 100,000 draws is at most 0.16 point; 0.8 point is 5 of them
        assertThat(counts.get("baseline-float") / (double) DRAWS).isCloseTo(0.10, within(0.008));
        assertThat(counts.get("baseline-int8") / (double) DRAWS).isCloseTo(0.20, within(0.008));
        assertThat(counts.get("qf-float") / (double) DRAWS).isCloseTo(0.30, within(0.008));
        assertThat(counts.get("qf-int8") / (double) DRAWS).isCloseTo(0.40, within(0.008));
    }

    @Test
    void aZeroWeightVariantIsNeverDrawnNorGivenToStickyClients() {
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(50, 0, 50, 0)), new SplittableRandom(7));

        List<String> variants = IntStream.range(0, 10_000)
                .mapToObj(i -> router.route(i % 2 == 0 ? "client-" + i : null, null).variant()).distinct().toList();

        assertThat(variants).containsExactlyInAnyOrder("baseline-float", "qf-float");
    }

    @Test
    void aStickyClientKeepsItsVariantWhateverTheRandomSourceDraws() {
        ExperimentRouter one = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(25, 25, 25, 25)), new SplittableRandom(1));
        ExperimentRouter other = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(25, 25, 25, 25)), new SplittableRandom(2));

        for (int i = 0; i < 1_000; i++) {
            String client = "client-" + i;
            Route first = one.route(client, null);
            assertThat(first.assignment()).isEqualTo(Route.Assignment.STICKY);
            assertThat(one.route(client, null).variant()).isEqualTo(first.variant());
            assertThat(other.route(client, null).variant()).isEqualTo(first.variant());
        }
    }

    @Test
    void anAllowedOverridePinsTheVariantEvenOneWithoutWeight() {
        ExperimentRouter router = new ExperimentRouter(
                Fixtures.stored(Fixtures.allowingOverride(Fixtures.fourArms(50, 50, 0, 0))), new SplittableRandom(7));

        Route route = router.route("client-1", "qf-int8");

        assertThat(route.variant()).isEqualTo("qf-int8");
        assertThat(route.model()).isEqualTo(new ModelRef("qf-mobilenet-v2-int8", "1"));
        assertThat(route.assignment()).isEqualTo(Route.Assignment.OVERRIDE);
    }

    @Test
    void anOverrideIsRefusedWhenTheExperimentDoesNotAllowIt() {
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(25, 25, 25, 25)), new SplittableRandom(7));

        assertThatThrownBy(() -> router.route(null, "qf-int8"))
                .isInstanceOf(OverrideRefusedException.class)
                .hasMessage("experiment 'mobilenet-v2-ab' does not allow pinning a variant");
    }

    @Test
    void anOverrideNamingNoVariantIsRefusedWithTheVariantsThatExist() {
        ExperimentRouter router = new ExperimentRouter(
                Fixtures.stored(Fixtures.allowingOverride(Fixtures.fourArms(25, 25, 25, 25))), new SplittableRandom(7));

        assertThatThrownBy(() -> router.route(null, "qf-int4"))
                .isInstanceOf(OverrideRefusedException.class)
                .hasMessage("experiment 'mobilenet-v2-ab' has no variant 'qf-int4'; its variants are "
                        + "[baseline-float, baseline-int8, qf-float, qf-int8]");
    }

    @Test
    void aBlankOverrideHeaderIsNoOverride() {
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(25, 25, 25, 25)), new SplittableRandom(7));

        assertThat(router.route(null, " ").assignment()).isEqualTo(Route.Assignment.WEIGHTED);
    }

    @Test
    void theShadowMirrorsItsPercentOfRequests() {
        Experiment experiment = Fixtures.withShadow(Fixtures.fourArms(100, 0, 0, 0), new Shadow("qf-int8", 10));
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(experiment), new SplittableRandom(7));

        List<Route> routes = IntStream.range(0, DRAWS).mapToObj(i -> router.route(null, null)).toList();

        long mirrored = routes.stream().filter(Route::mirrored).count();
        // standard deviation 0.095 point; 0.5 point is 5 of them
        assertThat(mirrored / (double) DRAWS).isCloseTo(0.10, within(0.005));
        assertThat(routes).filteredOn(Route::mirrored)
                .allSatisfy(r -> assertThat(r.shadow()).isEqualTo(new ModelRef("qf-mobilenet-v2-int8", "1")));
    }

    @Test
    void shadowPercentZeroNeverMirrorsAndHundredAlwaysDoes() {
        Experiment base = Fixtures.fourArms(100, 0, 0, 0);
        ExperimentRouter never =
                new ExperimentRouter(Fixtures.stored(Fixtures.withShadow(base, new Shadow("qf-int8", 0))), new SplittableRandom(7));
        ExperimentRouter always =
                new ExperimentRouter(Fixtures.stored(Fixtures.withShadow(base, new Shadow("qf-int8", 100))), new SplittableRandom(7));

        assertThat(IntStream.range(0, 1_000).mapToObj(i -> never.route(null, null))).noneMatch(Route::mirrored);
        assertThat(IntStream.range(0, 1_000).mapToObj(i -> always.route(null, null))).allMatch(Route::mirrored);
    }

    @Test
    void aRequestIsNeverMirroredToTheModelThatAnswersIt() {
        Experiment experiment = Fixtures.withShadow(Fixtures.fourArms(50, 0, 0, 50), new Shadow("qf-mobilenet-v2-int8@1", 100));
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(experiment), new SplittableRandom(7));

        Map<String, List<Route>> byVariant = IntStream.range(0, 1_000).mapToObj(i -> router.route(null, null))
                .collect(Collectors.groupingBy(Route::variant));

        assertThat(byVariant.get("qf-int8")).isNotEmpty().noneMatch(Route::mirrored);
        assertThat(byVariant.get("baseline-float")).isNotEmpty().allMatch(Route::mirrored);
    }

    @Test
    void routesNameTheExperimentItsRevisionAndTheServedModel() {
        ExperimentRouter router = new ExperimentRouter(Fixtures.stored(Fixtures.fourArms(0, 0, 1, 0), 3), new SplittableRandom(7));

        assertThat(router.route(null, null)).isEqualTo(
                new Route("mobilenet-v2-ab", 3, "qf-float", new ModelRef("qf-mobilenet-v2", null), Route.Assignment.WEIGHTED, null));
    }
}
