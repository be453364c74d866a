package io.qfserving.service.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qfserving.service.metrics.MetricNames;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/**
 * Admission decides from the request line: past the limit, a 429 before any of the body is read.
 * (Receiving bodies: {@code ReceivedBodiesTests}.)
 */
class AdmissionFilterTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** A limit of one request in progress. */
    private final AdmissionProperties properties =
            new AdmissionProperties(true, 1, 1, 1, 3.0, Duration.ofSeconds(1), DataSize.ofMegabytes(8), DataSize.ofKilobytes(32));
    private final Admission admission = new Admission(properties, 1);
    private final ReceivedBodies bodies = new ReceivedBodies(1 << 20, 1 << 20, properties);
    private final AdmissionFilter filter = new AdmissionFilter(admission, bodies);

    /** A classify whose body has been received: the dispatch that takes its permit. */
    private static MockHttpServletRequest received() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/classify");
        request.setContentType("image/jpeg");
        request.setDispatcherType(DispatcherType.ASYNC);
        ReceivedBodies.attach(request, new ReceivedBodies.Received(new byte[] {1, 2, 3}, null));
        return request;
    }

    /** A request whose body must not be touched. */
    private static MockHttpServletRequest untouchable(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path) {
            @Override
            public ServletInputStream getInputStream() {
                throw new AssertionError("the body was read");
            }
        };
        request.setContentType("image/jpeg");
        return request;
    }

    @Test
    void pastTheLimitARequestIsRefusedWithoutReadingItsBodyInTheFormOfItsApi() throws Exception {
        new AdmissionMetrics(admission, bodies).bindTo(registry);
        CountDownLatch inProgress = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FilterChain slow = (request, response) -> {
            inProgress.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread first = Thread.ofPlatform().start(() -> {
            try {
                filter.doFilter(received(), new MockHttpServletResponse(), slow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inProgress.await(10, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(untouchable("/v1/models/qf-mobilenet-v2:classify"), refused, (request, response) -> {
            throw new AssertionError("a refused request must not go on");
        });
        MockHttpServletResponse refusedProtocol = new MockHttpServletResponse();
        filter.doFilter(untouchable("/v2/models/qf-mobilenet-v2/infer"), refusedProtocol, (request, response) -> {
            throw new AssertionError("a refused request must not go on");
        });
        release.countDown();
        first.join();

        for (MockHttpServletResponse response : List.of(refused, refusedProtocol)) {
            assertThat(response.getStatus()).isEqualTo(429);
            assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        }
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getContentAsString()).contains("\"type\":\"urn:qf-serving:problem:overloaded\"", Admission.REFUSAL);
        assertThat(refusedProtocol.getContentAsString()).isEqualTo("{\"error\":\"" + Admission.REFUSAL + "\"}");
        assertThat(registry.get(MetricNames.ADMISSION_REFUSED).functionCounter().count()).isEqualTo(2);

        MockHttpServletResponse next = new MockHttpServletResponse();
        filter.doFilter(received(), next, (request, response) -> {});
        assertThat(next.getStatus()).as("admitted again once the first finished").isEqualTo(200);
    }

    @Test
    void onlyInferenceCallsAreAdmittedByTheLimit() {
        assertThat(AdmissionFilter.isInference("/v1/classify")).isTrue();
        assertThat(AdmissionFilter.isInference("/v1/models/mobilenet-v2:classify")).isTrue();
        assertThat(AdmissionFilter.isInference("/v1/models/mobilenet-v2/versions/1:classify")).isTrue();
        assertThat(AdmissionFilter.isInference("/v2/models/qf-mobilenet-v2/infer")).isTrue();
        assertThat(AdmissionFilter.isInference("/v1/feedback")).isFalse();
        assertThat(AdmissionFilter.isInference("/admin/experiments/mobilenet-v2-ab")).isFalse();
        assertThat(AdmissionFilter.isInference("/v2/models/qf-mobilenet-v2")).isFalse();
    }
}
