package io.qfserving.service.state;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The experiment store. In memory unless {@code spring.data.redis.url} (env {@code SPRING_DATA_REDIS_URL})
 * is set; then in that Redis, shared by every replica that points at it.
 *
 * @param keyPrefix begins every Redis key and the change channel, so several deployments may share one Redis
 * @param requestTimeout the longest a classify call waits on the store (for its prediction to be
 *     remembered); past it the write is counted in {@code qf_state_errors_total} and the answer goes out
 * @param timeout the longest feedback, report and admin calls wait on the store before answering 503
 * @param resyncInterval how often each replica re-reads every experiment, in case a change notification was lost
 */
@Validated
@ConfigurationProperties("qf.state")
public record StateProperties(
        @NotBlank @DefaultValue("qf-serving") String keyPrefix,
        @DurationMin(millis = 1) @DefaultValue("50ms") Duration requestTimeout,
        @DurationMin(millis = 1) @DefaultValue("1s") Duration timeout,
        @DurationMin(millis = 10) @DefaultValue("5s") Duration resyncInterval) {}
