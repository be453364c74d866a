package io.qfserving.service.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.qfserving.service.experiment.ExperimentStore.FeedbackOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExperimentStore} must do, run against each implementation. {@link #peer()} is a
 * second handle on the same state, as another replica would hold it. Request-path writes may land
 * a moment after they return, so the tests wait for what they then assert.
 */
public abstract class ExperimentStoreContract {

    /** The time to live of predictions in the stores under test. */
    protected static final Duration TTL = Duration.ofMillis(600);

    private static final PendingPrediction.ServedBy SERVED_BY =
            new PendingPrediction.ServedBy("qf-mobilenet-v2-int8", "1", "qf", "int8", "onnxruntime");
    private static final CounterKey QF_INT8 = CounterKey.served("mobilenet-v2-ab", 1, "qf-int8", "1");
    private static final String SHADOW_VERSION = "2";
    private static final Duration LATENCY = Duration.ofMillis(5);

    protected ExperimentStore store;

    /** A new, empty store whose predictions live for {@link #TTL}. */
    protected abstract ExperimentStore createStore();

    /** Another handle on the state of {@link #store}, as a second replica holds it. */
    protected abstract ExperimentStore peer();

    /** Lets {@code duration} pass for the store's expiry. */
    protected abstract void elapse(Duration duration);

    @BeforeEach
    void createTheStore() {
        store = createStore();
    }

    @AfterEach
    void closeTheStore() {
        // None when creating it was skipped (no Redis on the machine).
        if (store != null) {
            store.close();
        }
    }

    // Experiments

    @Test
    void everySaveOfANameGetsTheNextRevisionWhicheverReplicaWroteIt() {
        assertThat(store.save(Fixtures.fourArms(100, 0, 0, 0), "").revision()).isEqualTo(1);
        assertThat(peer().save(Fixtures.fourArms(0, 100, 0, 0), "").revision()).isEqualTo(2);
        assertThat(store.save(Fixtures.experiment(Fixtures.fourArms(1, 1, 1, 1).variants()), "b").revision()).isEqualTo(3);
        Experiment other = new Experiment("mobilenet-v1-ab", Fixtures.fourArms(1, 0, 0, 0).variants(), null, false, null);
        assertThat(store.save(other, "").revision()).isEqualTo(1);

        assertThat(peer().experiment("mobilenet-v2-ab")).contains(
                new StoredExperiment(Fixtures.experiment(Fixtures.fourArms(1, 1, 1, 1).variants()), 3, "b"));
        assertThat(peer().experiments()).extracting(StoredExperiment::name).containsExactly("mobilenet-v1-ab", "mobilenet-v2-ab");
        assertThat(store.experiment("resnet")).isEmpty();
    }

    @Test
    void anExperimentComesBackWithEveryField() {
        Experiment full = new Experiment("mobilenet-v2-ab", List.of(
                new Variant("baseline-float", "mobilenet-v2", null, 12.5),
                new Variant("qf-int8", "qf-mobilenet-v2-int8", "1", 87.5)),
                new Shadow("qf-mobilenet-v2@1", 33.3), true, "qf-int8");

        store.save(full, "basis");

        assertThat(peer().experiment("mobilenet-v2-ab").orElseThrow().experiment()).isEqualTo(full);
    }

    @Test
    void aConfigurationReplacesChangesMadeAgainstAnotherButNotAgainstItself() {
        Experiment configured = Fixtures.fourArms(25, 25, 25, 25);
        Experiment changedAtRunTime = Fixtures.fourArms(0, 0, 0, 100);
        String basis = ExperimentFingerprint.of(configured);
        store.saveUnlessBasedOn(configured, basis);
        store.save(changedAtRunTime, basis);

        StoredExperiment restarted = peer().saveUnlessBasedOn(configured, basis);
        assertThat(restarted).isEqualTo(new StoredExperiment(changedAtRunTime, 2, basis));

        Experiment upgraded = Fixtures.fourArms(50, 0, 0, 50);
        StoredExperiment rolledOut = peer().saveUnlessBasedOn(upgraded, ExperimentFingerprint.of(upgraded));
        assertThat(rolledOut).isEqualTo(new StoredExperiment(upgraded, 3, ExperimentFingerprint.of(upgraded)));
        assertThat(store.experiment("mobilenet-v2-ab")).contains(rolledOut);
    }

    @Test
    void replicasStartingTogetherWriteANewConfigurationOnce() throws Exception {
        Experiment upgraded = Fixtures.fourArms(50, 0, 0, 50);
        store.save(Fixtures.fourArms(100, 0, 0, 0), "older");
        List<Callable<StoredExperiment>> replicas = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ExperimentStore replica = i % 2 == 0 ? store : peer();
            replicas.add(() -> replica.saveUnlessBasedOn(upgraded, ExperimentFingerprint.of(upgraded)));
        }

        Set<Long> revisions = new HashSet<>();
        for (Future<StoredExperiment> started : runTogether(replicas)) {
            revisions.add(started.get().revision());
        }

        assertThat(revisions).containsExactly(2L);
    }

    @Test
    void subscribersHearOfSavesFromEveryReplica() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        store.subscribe(heard::add);
        awaitSubscribed();

        peer().save(Fixtures.fourArms(1, 0, 0, 0), "");
        store.save(new Experiment("mobilenet-v1-ab", Fixtures.fourArms(1, 0, 0, 0).variants(), null, false, null), "");

        await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(heard).containsExactlyInAnyOrder("mobilenet-v2-ab", "mobilenet-v1-ab"));
    }

    /** Gives a store whose notifications travel over a network the time to subscribe. */
    protected void awaitSubscribed() {}

    // Predictions

    @Test
    void aRememberedPredictionIsFoundByEveryReplicaWithItsShadowAnswer() {
        PendingPrediction served = new PendingPrediction(SERVED_BY, "grpc", QF_INT8, new int[] {3, 7});
        store.served("request-1", served, LATENCY);

        assertThat(peer().prediction("request-1")).contains(served);
        store.shadowAnswered("request-1", SHADOW_VERSION, new int[] {3, 5});
        await().untilAsserted(
                () -> assertThat(peer().prediction("request-1")).contains(served.withShadow(SHADOW_VERSION, new int[] {3, 5})));
        assertThat(store.prediction("never-served")).isEmpty();
    }

    @Test
    void aDirectRequestIsRememberedWithoutCounters() {
        PendingPrediction direct = new PendingPrediction(SERVED_BY, "http", null, new int[] {1});
        store.served("direct", direct, LATENCY);

        assertThat(peer().prediction("direct")).contains(direct);
        assertThat(peer().recordFeedback("direct", 0, List.of())).isEqualTo(FeedbackOutcome.COUNTED);
        assertThat(store.recordFeedback("direct", 0, List.of())).isEqualTo(FeedbackOutcome.ALREADY_LABELLED);
    }

    @Test
    void aShadowAnswerForAForgottenRequestCreatesNothing() {
        store.shadowAnswered("never-served", SHADOW_VERSION, new int[] {1});

        assertThat(peer().prediction("never-served")).isEmpty();
        assertThat(store.recordFeedback("never-served", 0, feedback(true, null))).isEqualTo(FeedbackOutcome.UNKNOWN);
    }

    @Test
    void predictionsExpireAfterTheirTimeToLive() {
        store.served("request-1", new PendingPrediction(SERVED_BY, "http", QF_INT8, new int[] {3}), LATENCY);
        assertThat(store.prediction("request-1")).isPresent();

        elapse(TTL.multipliedBy(2));

        assertThat(store.prediction("request-1")).isEmpty();
        assertThat(peer().recordFeedback("request-1", 0, feedback(true, null))).isEqualTo(FeedbackOutcome.UNKNOWN);
        assertThat(store.counters("mobilenet-v2-ab", 1).get(QF_INT8.tally()).correct()).isZero();
    }

    // Feedback and counters

    @Test
    void eachImageCountsItsFeedbackOnceWithThePairedOutcomeWhenTheShadowAnswered() {
        store.served("request-1",
                new PendingPrediction(SERVED_BY, "http", QF_INT8, new int[] {3, 7, 9}, SHADOW_VERSION, new int[] {3, 2, 9}), LATENCY);

        assertThat(store.recordFeedback("request-1", 0, feedback(true, true))).isEqualTo(FeedbackOutcome.COUNTED);
        assertThat(peer().recordFeedback("request-1", 0, feedback(true, true))).isEqualTo(FeedbackOutcome.ALREADY_LABELLED);
        assertThat(peer().recordFeedback("request-1", 1, feedback(false, true))).isEqualTo(FeedbackOutcome.COUNTED);
        assertThat(store.recordFeedback("request-1", 2, feedback(false, null))).isEqualTo(FeedbackOutcome.COUNTED);

        Map<String, VariantCounters> counters = peer().counters("mobilenet-v2-ab", 1);
        assertThat(counters.get(QF_INT8.tally()).correct()).isEqualTo(1);
        assertThat(counters.get(QF_INT8.tally()).incorrect()).isEqualTo(2);
        // Who of the two was right counts where the variant's and the shadow's versions are counted together.
        assertThat(counters.get(QF_INT8.shadowedBy(SHADOW_VERSION).tally()).paired())
                .isEqualTo(new VariantCounters.PairedOutcomes(1, 0, 1, 0));
    }

    @Test
    void theSameFeedbackSentToManyReplicasAtOnceCountsOnce() throws Exception {
        store.served("request-1", new PendingPrediction(SERVED_BY, "http", QF_INT8, new int[] {3}), LATENCY);
        List<Callable<FeedbackOutcome>> senders = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ExperimentStore replica = i % 2 == 0 ? store : peer();
            senders.add(() -> replica.recordFeedback("request-1", 0, feedback(true, null)));
        }

        List<FeedbackOutcome> outcomes = new ArrayList<>();
        for (Future<FeedbackOutcome> sent : runTogether(senders)) {
            outcomes.add(sent.get());
        }

        assertThat(outcomes).containsOnlyOnce(FeedbackOutcome.COUNTED).hasSize(16);
        assertThat(store.counters("mobilenet-v2-ab", 1).get(QF_INT8.tally()).correct()).isEqualTo(1);
    }

    @Test
    void countersAddUpWhatEveryReplicaCountedPerVariantVersionsAndRevision() {
        CounterKey baseline = CounterKey.served("mobilenet-v2-ab", 1, "baseline-float", "1");
        CounterKey reloaded = CounterKey.served("mobilenet-v2-ab", 1, "qf-int8", "2");
        CounterKey shadowed = QF_INT8.shadowedBy(SHADOW_VERSION);
        for (int i = 1; i <= 100; i++) {
            (i % 2 == 0 ? store : peer()).served("request-" + i, routed(QF_INT8), Duration.ofMillis(i));
        }
        store.served("baseline", routed(baseline), Duration.ofMillis(40));
        store.served("reloaded", routed(reloaded), Duration.ofMillis(40));
        store.served("next-revision", routed(CounterKey.served("mobilenet-v2-ab", 2, "qf-int8", "1")), Duration.ofMillis(40));
        store.served("direct", new PendingPrediction(SERVED_BY, "http", null, new int[] {0}), Duration.ofMillis(40));
        peer().shadowCompared(shadowed, true);
        store.shadowCompared(shadowed, true);
        store.shadowCompared(shadowed, false);

        await().untilAsserted(() -> assertThat(store.counters("mobilenet-v2-ab", 1).get(shadowed.tally()))
                .extracting(VariantCounters::shadowAgreements, VariantCounters::shadowComparisons).containsExactly(2L, 3L));
        await().untilAsserted(() -> assertThat(store.counters("mobilenet-v2-ab", 1).get(QF_INT8.tally()).requests()).isEqualTo(100));
        Map<String, VariantCounters> revisionOne = peer().counters("mobilenet-v2-ab", 1);
        assertThat(revisionOne).containsOnlyKeys(QF_INT8.tally(), shadowed.tally(), baseline.tally(), reloaded.tally());
        assertThat(revisionOne.get(QF_INT8.tally()).p50Millis()).isCloseTo(50, within(50 * 0.02));
        assertThat(revisionOne.get(QF_INT8.tally()).p95Millis()).isCloseTo(95, within(95 * 0.02));
        assertThat(revisionOne.get(baseline.tally()).requests()).isEqualTo(1);
        assertThat(revisionOne.get(reloaded.tally()).requests()).as("another version counts apart").isEqualTo(1);
        assertThat(peer().counters("mobilenet-v2-ab", 2).get(QF_INT8.tally()).requests()).isEqualTo(1);
        assertThat(peer().counters("mobilenet-v2-ab", 3)).isEmpty();
    }

    @Test
    void theStoreAnswersAndSaysWhatItIs() {
        store.ping();

        assertThat(store.describe()).isNotBlank();
    }

    private static List<VariantTally.Count> feedback(boolean correct, Boolean shadowCorrect) {
        return VariantTally.feedback(QF_INT8, correct, shadowCorrect == null ? null : SHADOW_VERSION, shadowCorrect);
    }

    private static PendingPrediction routed(CounterKey counters) {
        return new PendingPrediction(SERVED_BY, "http", counters, new int[] {0});
    }

    private static <T> List<Future<T>> runTogether(List<Callable<T>> calls) throws InterruptedException {
        try (ExecutorService threads = Executors.newFixedThreadPool(calls.size())) {
            return threads.invokeAll(calls);
        }
    }
}
