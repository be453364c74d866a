/**
 * A/B experiments, free of any framework: the lead's Spring, HTTP, gRPC and Micrometer code wires them.
 *
 * <ul>
 *   <li>{@link io.qfserving.service.experiment.Experiment} (with {@code Variant} and {@code Shadow}): plain
 *       records that bind from {@code application.yml} or a JSON body.</li>
 *   <li>{@link io.qfserving.service.experiment.ExperimentRegistry}: the experiments in force; validates a
 *       replacement before swapping it in and routes requests ({@code Route}: variant, model, how it was
 *       chosen, and the shadow to mirror to, if any).</li>
 *   <li>{@link io.qfserving.service.experiment.ExperimentReporter}: per-variant counters in, an
 *       {@code ExperimentReport} out, with Wilson intervals, z-tests, non-inferiority and a verdict.</li>
 * </ul>
 */
package io.qfserving.service.experiment;
