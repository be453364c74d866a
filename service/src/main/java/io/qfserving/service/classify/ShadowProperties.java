package io.qfserving.service.classify;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The shadow traffic budget: mirrored requests run on {@code threads} background threads with at
 * most {@code queueCapacity} waiting; beyond that they are dropped and counted, never delaying the
 * primary answers.
 */
@Validated
@ConfigurationProperties("qf.shadow")
record ShadowProperties(
        @Min(1) @DefaultValue("1") int threads,
        @Min(1) @DefaultValue("16") int queueCapacity) {}
