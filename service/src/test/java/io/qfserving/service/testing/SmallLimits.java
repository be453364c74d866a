package io.qfserving.service.testing;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;

import io.qfserving.service.inference.InferenceProperties;
import io.qfserving.service.inference.InferenceService;
import java.time.Duration;
import java.time.Instant;
import org.springframework.util.unit.DataSize;

/**
 * A mocked inference service for the HTTP slices, with limits small enough to cross in a test (a
 * 1 KB image, a 4 KB request) and one fixed deadline for every request.
 */
public final class SmallLimits {

    public static final Instant DEADLINE = Instant.parse("2026-01-01T00:00:00Z");

    private SmallLimits() {}

    public static void stub(InferenceService inference) {
        given(inference.properties()).willReturn(new InferenceProperties("default", 5, DataSize.ofKilobytes(1), 1000, 4,
                DataSize.ofKilobytes(4), Duration.ofSeconds(30), 0, false));
        given(inference.deadline(any())).willReturn(DEADLINE);
    }
}
