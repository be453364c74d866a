package io.qfserving.service.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The experiment state every replica of the server must see alike: the experiments in force, each
 * with a revision; the predictions awaiting feedback; and the per-variant counters the report reads.
 * Kept in memory for a single instance, or in Redis so that any number of replicas behind a load
 * balancer serve one experiment. Every implementation passes the same contract tests.
 *
 * <p>Two kinds of calls. The request path's writes ({@link #served}, {@link #shadowAnswered},
 * {@link #shadowCompared}) never throw and never hold their caller longer than the
 * store's request timeout: a write that fails is handed to the {@link ErrorListener} and dropped,
 * so classification goes on whatever happens to the store. Every other call throws
 * {@link StateUnavailableException} when the store cannot answer, so feedback and admin calls can
 * say so, and changes nothing then.
 */
public interface ExperimentStore extends AutoCloseable {

    /** Told of every request-path write that could not be made. */
    @FunctionalInterface
    interface ErrorListener {
        void failed(String operation, Throwable cause);
    }

    /** What became of one image's feedback. */
    enum FeedbackOutcome {
        /** Counted. */
        COUNTED,
        /** The image already had feedback; nothing was counted. */
        ALREADY_LABELLED,
        /** The prediction expired or was evicted; nothing was counted. */
        UNKNOWN
    }

    // Experiments

    /** Every stored experiment, by name. */
    List<StoredExperiment> experiments();

    Optional<StoredExperiment> experiment(String name);

    /**
     * Writes the experiment under the next revision of its name and tells every subscriber.
     *
     * @param basis the fingerprint of the configuration the experiment was written against, or empty
     */
    StoredExperiment save(Experiment experiment, String basis);

    /**
     * The stored experiment if it was written against the configuration {@code basis}; otherwise (no
     * stored experiment, or one written against another configuration) saves {@code experiment}, as
     * {@link #save}, and returns that. Atomic: replicas starting together write it once.
     */
    StoredExperiment saveUnlessBasedOn(Experiment experiment, String basis);

    /**
     * Calls {@code listener} with an experiment's name after any replica saved it (and, for a store
     * that can miss notifications, whenever it may have missed some: listeners then re-read every experiment).
     */
    void subscribe(Consumer<String> listener);

    // Predictions awaiting feedback

    /**
     * A request was answered: counts it for the experiment variant that served it, if one did, and
     * keeps it for its feedback until the store's time to live passes (request path; one write).
     */
    void served(String requestId, PendingPrediction prediction, Duration latency);

    /** Adds the shadow model's version and answer to a remembered request, if it is still there (request path). */
    void shadowAnswered(String requestId, String shadowVersion, int[] shadowTop1);

    /** @return the request while it awaits feedback; empty when unknown, expired or evicted */
    Optional<PendingPrediction> prediction(String requestId);

    /**
     * Marks one image as labelled and increments {@code counts}, unless the image already has
     * feedback: the check and the counts are one atomic step, so the same feedback sent to two
     * replicas at once counts once.
     *
     * @param counts what the feedback increments ({@link VariantTally#feedback}), all of one experiment
     *     revision; none for a request that no experiment routed
     */
    FeedbackOutcome recordFeedback(String requestId, int image, List<VariantTally.Count> counts);

    // Counters

    /** A mirrored request's shadow answered, agreeing with the primary's top-1 or not (request path). */
    void shadowCompared(CounterKey counters, boolean agreed);

    /**
     * The counters of one revision of an experiment, by {@link CounterKey#tally()} (a variant under
     * particular model versions); tallies that saw nothing are absent.
     */
    Map<String, VariantCounters> counters(String experiment, long revision);

    // The store itself

    /** Checks that the store answers, within its timeout. */
    void ping();

    /** The store's kind and address, for the health endpoint (no credentials). */
    String describe();

    @Override
    void close();
}
