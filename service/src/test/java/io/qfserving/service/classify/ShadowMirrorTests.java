package io.qfserving.service.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.InMemoryExperimentStore;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.experiment.Route;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.metrics.MetricNames;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.ServedModel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shadow work is bounded: beyond its queue it is dropped and counted, failures too, and the primary never waits. */
class ShadowMirrorTests {

    final InferenceService inference = mock(InferenceService.class);
    final MeterRegistry registry = new SimpleMeterRegistry();
    final ExperimentStore store = new InMemoryExperimentStore(100, Duration.ofHours(1), Clock.systemUTC());
    final ShadowMirror mirror = new ShadowMirror(inference, store, boundTo(registry), new ShadowProperties(1, 1, 2));
    /** Comparisons count under the variant with both versions: version 1 of the primary, version 1 of the shadow. */
    static final String PRIMARY_AND_SHADOW = "qf-float@1~1";
    final Route route =
            new Route("exp", 1, "qf-float", new ModelRef("primary", null), Route.Assignment.WEIGHTED, new ModelRef("shadow", null));

    private static ShadowMetrics boundTo(MeterRegistry registry) {
        ShadowMetrics metrics = new ShadowMetrics();
        metrics.bindTo(registry);
        return metrics;
    }

    @AfterEach
    void close() throws InterruptedException {
        mirror.destroy();
    }

    @Test
    void copiesBeyondTheQueueAreDroppedAndCountedWhileThePrimaryGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        Inference primary = inference("primary", 3);
        Inference shadow = inference("shadow", 3);
        given(inference.classifyAgain(any(), any(), any(), any(), any())).willAnswer(call -> {
            running.countDown();
            release.await(10, TimeUnit.SECONDS);
            return shadow;
        });

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            mirror.mirror("request", route, List.of(new byte[1]), primary);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("mirroring never blocks the caller").isLessThan(1000);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.get(MetricNames.SHADOW_DROPPED).tag("reason", "busy").counter().count()).as("one runs, one waits").isEqualTo(3);

        release.countDown();
        // The worker updates the experiment statistics, then the meter: wait for the later of the two.
        await().untilAsserted(() -> assertThat(registry.find(MetricNames.SHADOW_COMPARISONS).tag("outcome", "agree")
                .tag("shadow_model", "shadow").counters()).singleElement().extracting(Counter::count).isEqualTo(2.0));
        assertThat(store.counters("exp", 1).get(PRIMARY_AND_SHADOW).shadowAgreements()).isEqualTo(2);
    }

    @Test
    void aFailingShadowIsCountedAndDisagreementIsSeen() throws Exception {
        Inference primary = inference("primary", 1);
        given(inference.classifyAgain(any(), any(), any(), any(), any()))
                .willThrow(new ServingException(ErrorKind.OVERLOADED, "full"))
                .willReturn(inference("shadow", 2));
        mirror.mirror("request", route, List.of(new byte[1]), primary);
        awaitCount(MetricNames.SHADOW_DROPPED, "reason", "failed");
        mirror.mirror("request", route, List.of(new byte[1]), primary);
        awaitCount(MetricNames.SHADOW_COMPARISONS, "outcome", "disagree");
        assertThat(store.counters("exp", 1).get(PRIMARY_AND_SHADOW).shadowComparisons()).isEqualTo(1);
    }

    @Test
    void theShadowsAnswerIsKeptWithThePredictionForPairedFeedback() {
        PendingPrediction primary = new PendingPrediction(new PendingPrediction.ServedBy("primary", "1", "qf", "float32", "tensorflow"),
                "http", route.counters("1"), new int[] {1});
        store.served("request", primary, Duration.ofMillis(5));
        Inference shadow = inference("shadow", 2);
        given(inference.classifyAgain(any(), any(), any(), any(), any())).willReturn(shadow);

        mirror.mirror("request", route, List.of(new byte[1]), inference("primary", 1));

        await().until(() -> store.prediction("request").orElseThrow().shadowTop1() != null);
        assertThat(store.prediction("request").orElseThrow().shadowTop1()).containsExactly(2);
        assertThat(store.prediction("request").orElseThrow().shadowVersion()).isEqualTo("1");
    }

    @Test
    void aBusyServerDropsTheCopyInsteadOfRunningIt() throws Exception {
        given(inference.primaryInFlight()).willReturn(3);
        mirror.mirror("request", route, List.of(new byte[1]), inference("primary", 1));
        awaitCount(MetricNames.SHADOW_DROPPED, "reason", "busy");
        assertThat(registry.get(MetricNames.SHADOW_DROPPED).tag("reason", "busy").counter().count()).isEqualTo(1);
        verify(inference, never()).classifyAgain(any(), any(), any(), any(), any());
    }

    private static Inference inference(String model, int top1) {
        ServedModel served = mock(ServedModel.class);
        given(served.name()).willReturn(model);
        given(served.version()).willReturn("1");
        Inference result = mock(Inference.class);
        given(result.model()).willReturn(served);
        given(result.top1()).willReturn(List.of(top1));
        return result;
    }

    /** Waits until the counter {@code name} with the tag {@code key=value} has counted at least once. */
    private void awaitCount(String name, String key, String value) {
        await().until(() -> registry.find(name).tag(key, value).counters().stream().mapToDouble(Counter::count).sum() >= 1);
    }
}
