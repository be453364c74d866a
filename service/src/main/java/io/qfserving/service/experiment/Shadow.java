package io.qfserving.service.experiment;

/**
 * Mirrors a share of an experiment's traffic to one more model, whose answers are only compared.
 *
 * @param target a variant's name, or a served model as {@code model} or {@code model@version}
 * @param percent the share of requests mirrored, from 0 to 100
 */
public record Shadow(String target, double percent) {}
