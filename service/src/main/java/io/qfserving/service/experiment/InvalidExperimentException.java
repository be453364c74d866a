package io.qfserving.service.experiment;

import java.util.List;

/** An experiment refused by validation; it lists every problem found, not just the first. */
public final class InvalidExperimentException extends RuntimeException {

    private final List<String> problems;

    InvalidExperimentException(String experiment, List<String> problems) {
        super("experiment '" + experiment + "' is invalid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
