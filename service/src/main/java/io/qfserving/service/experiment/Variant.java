package io.qfserving.service.experiment;

import io.qfserving.service.repository.ModelRef;
/**
 * One arm of an experiment.
 *
 * @param name the arm's name, e.g. {@code qf-int8}; sticky clients are hashed on it, so renaming an
 *     arm reshuffles its clients while changing its model or version does not
 * @param model the served model's name, e.g. {@code qf-mobilenet-v2-int8}
 * @param version a version of that model, or null for the newest loaded one
 * @param weight its share of traffic relative to the other arms' weights (0 = reachable by override only)
 */
public record Variant(String name, String model, String version, double weight) {

    public ModelRef ref() {
        return new ModelRef(model, version);
    }
}
