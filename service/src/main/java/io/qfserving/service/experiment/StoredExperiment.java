package io.qfserving.service.experiment;

/**
 * An experiment as the shared store holds it.
 *
 * @param experiment the definition
 * @param revision increases with every write of this experiment's name, whichever replica wrote it;
 *     replicas route by the highest revision they have seen, and the report counts per revision
 * @param basis the fingerprint of the configuration it was written against
 *     ({@link ExperimentFingerprint}), or empty for an experiment that exists only at run time
 */
public record StoredExperiment(Experiment experiment, long revision, String basis) {

    public StoredExperiment {
        basis = basis == null ? "" : basis;
    }

    public String name() {
        return experiment.name();
    }
}
