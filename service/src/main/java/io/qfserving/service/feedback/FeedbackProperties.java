package io.qfserving.service.feedback;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long served predictions wait for their feedback.
 *
 * @param maxPredictions predictions a single instance keeps at most; beyond it Caffeine evicts the
 *     ones least likely to get feedback (by recency and frequency). With Redis, its memory limit
 *     and eviction policy bound them instead.
 * @param ttl how long after serving a prediction still accepts feedback
 */
@Validated
@ConfigurationProperties("qf.feedback")
public record FeedbackProperties(
        @Min(1) @DefaultValue("100000") long maxPredictions,
        @DurationMin(millis = 1) @DefaultValue("1h") Duration ttl) {}
