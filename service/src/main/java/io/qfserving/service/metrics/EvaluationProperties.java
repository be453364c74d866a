package io.qfserving.service.metrics;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * An optional labelled folder (one subfolder per class, named by synset) that every model is
 * evaluated on once the server is up, through the serving path itself.
 *
 * @param folder the folder; unset turns the evaluation off
 * @param imagesPerClass images drawn (with a fixed seed) from each class
 */
@Validated
@ConfigurationProperties("qf.evaluation")
record EvaluationProperties(String folder, @Min(1) @DefaultValue("10") int imagesPerClass) {}
