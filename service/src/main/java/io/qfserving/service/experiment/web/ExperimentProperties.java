package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.Experiment;
import io.qfserving.service.experiment.Shadow;
import io.qfserving.service.experiment.Variant;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The experiments the server starts with, by the name clients ask for (never a served model's):
 *
 * <pre>
 * qf.experiments.mobilenet-v2-ab:
 *   variants:
 *     - {name: baseline-float, model: mobilenet-v2, weight: 25}
 *     - {name: qf-int8, model: qf-mobilenet-v2-int8, weight: 25}
 *   shadow: {target: qf-mobilenet-v2-int8, percent: 10}
 *   allow-override: true
 *   control: baseline-float
 *   decide:
 *     - {candidate: qf-int8, control: baseline-float}
 * </pre>
 *
 * They are validated like admin changes; one that this server cannot route (say, its models are not
 * in the repository) is logged, reported on the health endpoint and left out, and the models still
 * serve by their own names.
 */
@ConfigurationProperties("qf")
record ExperimentProperties(@DefaultValue Map<String, Spec> experiments) {

    /**
     * An experiment without its name (the map key, or the admin path, names it). {@code allowOverride}
     * is a Boolean so that a JSON body may leave it out (false).
     */
    record Spec(List<Variant> variants, Shadow shadow, Boolean allowOverride, String control, List<Experiment.Pair> decide) {

        Experiment named(String name) {
            return new Experiment(name, variants, shadow, Boolean.TRUE.equals(allowOverride), control, decide);
        }
    }
}
