package io.qfserving.service.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qfserving.service.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Batch boundaries by size and by time, admission, deadlines and shutdown, on a fake clock. */
class BatchQueueTests {

    private final MutableClock clock = new MutableClock();
    private final BatchQueue<String, String> queue =
            new BatchQueue<>(new BatchQueue.Settings(3, Duration.ofMillis(5), 4), clock);

    @Test
    void aFullBatchIsDueAtOnceAndTakesOnlyMaxBatchSize() {
        for (String s : List.of("a", "b", "c", "d")) {
            queue.submit(s, null);
        }
        assertThat(queue.pollDue()).extracting(BatchQueue.Pending::input).containsExactly("a", "b", "c");
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.pollDue()).as("one request, no delay elapsed").isEmpty();
    }

    @Test
    void aPartialBatchWaitsForTheMaxQueueDelayOfItsOldestRequest() {
        queue.submit("a", null);
        clock.advance(Duration.ofMillis(3));
        queue.submit("b", null);
        assertThat(queue.pollDue()).isEmpty();
        clock.advance(Duration.ofMillis(2));
        assertThat(queue.pollDue()).extracting(BatchQueue.Pending::input).containsExactly("a", "b");
    }

    @Test
    void admissionFailsFastWhenTheQueueIsFull() {
        for (int i = 0; i < 4; i++) {
            queue.submit("r" + i, null);
        }
        assertThatThrownBy(() -> queue.submit("extra", null)).isInstanceOf(QueueFullException.class);
        queue.pollDue();
        assertThat(queue.submit("after", null)).isNotDone();
    }

    @Test
    void theImagesOfOneCallAreAdmittedTogetherOrNotAtAll() {
        queue.submit("first", null);
        assertThatThrownBy(() -> queue.submitAll(List.of("a", "b", "c", "d"), null)).isInstanceOf(QueueFullException.class);
        assertThat(queue.depth()).as("nothing of the refused call stays queued").isEqualTo(1);
        assertThat(queue.submitAll(List.of("a", "b", "c"), null)).hasSize(3).allSatisfy(f -> assertThat(f).isNotDone());
        assertThat(queue.depth()).isEqualTo(4);
    }

    @Test
    void aRequestWhoseDeadlinePassedIsFailedAndNeverHandedOut() {
        CompletableFuture<String> late = queue.submit("late", clock.instant().plusMillis(2));
        queue.submit("patient", null);
        clock.advance(Duration.ofMillis(5));
        assertThat(queue.pollDue()).extracting(BatchQueue.Pending::input).containsExactly("patient");
        assertThatThrownBy(late::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void closingRefusesNewWorkButHandsOutEverythingQueued() throws InterruptedException {
        queue.submit("a", null);
        queue.close();
        assertThatThrownBy(() -> queue.submit("b", null)).isInstanceOf(QueueClosedException.class);
        assertThat(queue.take()).extracting(BatchQueue.Pending::input).containsExactly("a");
        assertThat(queue.take()).as("closed and empty").isEmpty();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new BatchQueue.Settings(0, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchQueue.Settings(8, Duration.ZERO, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchQueue.Settings(1, Duration.ofMillis(-1), 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
