package io.qfserving.service.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletInputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Admission decides from the request line: past the limit, a 429 before any of the body is read. */
class AdmissionFilterTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** A limit of one request in progress. */
    private final AdmissionFilter filter = new AdmissionFilter(new AdmissionProperties(true, 1, 1, 1, 3.0), registry);

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
                filter.doFilter(new MockHttpServletRequest("POST", "/v1/classify"), new MockHttpServletResponse(), slow);
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

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(refused.getContentAsString()).contains("\"type\":\"urn:qf-serving:problem:overloaded\"");
        assertThat(refusedProtocol.getStatus()).isEqualTo(429);
        assertThat(refusedProtocol.getContentAsString()).startsWith("{\"error\":");
        assertThat(registry.get("qf.admission.refused").counter().count()).isEqualTo(2);

        MockHttpServletResponse next = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("POST", "/v1/classify"), next, (request, response) -> {});
        assertThat(next.getStatus()).as("admitted again once the first finished").isEqualTo(200);
    }

    @Test
    void onlyInferenceCallsAreAdmittedByTheLimit() {
        assertThat(AdmissionFilter.isInference("/v1/classify")).isTrue();
        assertThat(AdmissionFilter.isInference("/v1/models/mobilenet-v2:classify")).isTrue();
        assertThat(AdmissionFilter.isInference("/v1/models/mobilenet-v2/versions/1:classify")).isTrue();
        assertThat(AdmissionFilter.isInference("/v2/models/qf-mobilenet-v2/infer")).isTrue();
        assertThat(AdmissionFilter.isInference("/v1/feedback")).isFalse();
        assertThat(AdmissionFilter.isInference("/admin/experiments/mobilenet-v2")).isFalse();
        assertThat(AdmissionFilter.isInference("/v2/models/qf-mobilenet-v2")).isFalse();
    }
}
