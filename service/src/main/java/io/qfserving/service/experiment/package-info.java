/**
 * A/B experiments, free of any framework: the Spring, HTTP, gRPC and Micrometer code around it wires them.
 *
 * <ul>
 *   <li>{@link io.qfserving.service.experiment.Experiment} (with {@code Variant} and {@code Shadow}): plain
 *       records that bind from {@code application.yml} or a JSON body.</li>
 *   <li>{@link io.qfserving.service.experiment.ExperimentStore}: the state every replica shares: experiments
 *       with their revisions, predictions awaiting feedback, per-variant counters. In memory for one
 *       instance ({@code InMemoryExperimentStore}); the Redis one lives beside the Spring wiring.</li>
 *   <li>{@link io.qfserving.service.experiment.ExperimentRegistry}: the experiments this replica routes by;
 *       validates a revision before swapping it in and routes requests ({@code Route}: revision, variant,
 *       model, how it was chosen, and the shadow to mirror to, if any).</li>
 *   <li>{@link io.qfserving.service.experiment.ExperimentReporter}: per-variant counters in, an
 *       {@code ExperimentReport} out, with Wilson intervals, z-tests, non-inferiority and a verdict.</li>
 * </ul>
 */
package io.qfserving.service.experiment;
