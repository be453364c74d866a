package io.qfserving.service.experiment;

/** A count of successes out of a number of trials, e.g. correct answers out of labelled requests. */
record Proportion(long successes, long trials) {

    Proportion {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials and trials >= 1, got " + successes + "/" + trials);
        }
    }

    double rate() {
        return (double) successes / trials;
    }
}
