package io.qfserving.service.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QueueingBoundTest {

    @Test
    void oneClientTakesEachPhotosOwnWorkInTurn() {
        double[] latencies = QueueingBound.closedLoop(new double[] {1, 3, 2}, 1, 1);

        assertThat(Arrays.copyOf(latencies, 6)).containsExactly(1, 3, 2, 1, 3, 2);
    }

    @Test
    void onOneCoreARequestWaitsForEveryOtherClientsRequest() {
        double[] latencies = QueueingBound.closedLoop(new double[] {2, 2, 2}, 4, 1);

        assertThat(Arrays.copyOf(latencies, 4)).containsExactly(2, 4, 6, 8);
        assertThat(QueueingBound.percentile(latencies, 1)).isCloseTo(8, within(1e-9));
    }

    @Test
    void twoCoresServeTwoRequestsAtOnce() {
        double[] latencies = QueueingBound.closedLoop(new double[] {2}, 4, 2);

        assertThat(Arrays.copyOf(latencies, 4)).containsExactly(2, 2, 4, 4);
        assertThat(QueueingBound.percentile(latencies, 1)).isCloseTo(4, within(1e-9));
    }
}
