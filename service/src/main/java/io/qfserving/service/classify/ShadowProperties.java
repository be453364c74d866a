package io.qfserving.service.classify;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The shadow traffic budget: mirrored requests run on {@code threads} background threads with at
 * most {@code queueCapacity} waiting, and only while at most {@code maxPrimaryInFlight} primary
 * requests are in progress; otherwise they are dropped and counted ("busy"). Shadow work competes for
 * the same cores: the limit keeps it to the spare capacity (set it to about the number of cores).
 */
@Validated
@ConfigurationProperties("qf.shadow")
record ShadowProperties(
        @Min(1) @DefaultValue("1") int threads,
        @Min(1) @DefaultValue("16") int queueCapacity,
        @Min(0) @DefaultValue("2") int maxPrimaryInFlight) {}
