package io.qfserving.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.databind.JsonNode;

/**
 * The running server registers its meters under the names of {@link MetricNames}, each with a
 * description, and (its meter binders bound) all of them but those that need what this server
 * lacks, once one request has gone through the experiment, its shadow and feedback.
 */
@EmbeddedModelsTest
class RegisteredMetersTests {

    /** An evaluation folder, a model version that fails to load, an experiment store that fails. */
    private static final Set<String> NEED_WHAT_THIS_SERVER_LACKS =
            Set.of(MetricNames.MODEL_STARTUP_TOP1, MetricNames.MODEL_LOAD_FAILURES, MetricNames.STATE_ERRORS);

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    @Autowired
    ApplicationContext context;

    @Test
    void everyMeterOfTheServerIsNamedInMetricNamesAndDescribed() {
        Http http = new Http(port);
        JsonNode answer = http.post("/v1/models/mobilenet-v2-ab:classify", "image/jpeg", TestImages.jpeg(TestImages.scene(224, 224, 7)))
                .json();
        String feedback = "{\"request_id\":\"" + answer.get("request_id").asString() + "\",\"label\":\""
                + answer.get("predictions").get(0).get("synset").asString() + "\"}";
        assertThat(http.post("/v1/feedback", "application/json", feedback.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);

        Set<String> expected = new HashSet<>(MetricNamesTests.all());
        expected.removeAll(NEED_WHAT_THIS_SERVER_LACKS);
        // The shadow's comparison and the decisions come a moment later, from other threads.
        await().untilAsserted(() -> assertThat(names(ours())).containsAll(expected));
        assertThat(names(ours())).isSubsetOf(MetricNamesTests.all());
        assertThat(ours()).allSatisfy(meter -> assertThat(meter.getId().getDescription()).as(meter.getId().getName()).isNotBlank());
    }

    /** Spring's own per-request observations would time every call, refusals included, a second time. */
    @Test
    void requestsAreObservedOnlyByOurOwnMeters() {
        Http http = new Http(port);
        assertThat(http.post("/v1/classify", "image/jpeg", TestImages.jpeg(TestImages.scene(224, 224, 3))).status()).isEqualTo(200);

        assertThat(context.getBeanNamesForType(ServerHttpObservationFilter.class)).isEmpty();
        assertThat(context.getBeanNamesForType(ObservationGrpcServerInterceptor.class)).isEmpty();
        assertThat(registry.find("http.server.requests").meters()).isEmpty();
    }

    private List<Meter> ours() {
        return registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("qf.")).toList();
    }

    private static Set<String> names(List<Meter> meters) {
        return meters.stream().map(meter -> meter.getId().getName()).collect(Collectors.toSet());
    }
}
