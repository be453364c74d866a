package io.qfserving.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTests {

    private final LearningRateSchedule schedule = new LearningRateSchedule(0.1, 10, 110);

    @Test
    void warmsUpLinearlyToThePeak() {
        assertThat(schedule.at(0)).isCloseTo(0.01, within(1e-12));
        assertThat(schedule.at(4)).isCloseTo(0.05, within(1e-12));
        assertThat(schedule.at(9)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void decaysAlongACosineToZero() {
        assertThat(schedule.at(10)).isCloseTo(0.1, within(1e-12));
        assertThat(schedule.at(60)).isCloseTo(0.05, within(1e-12));
        assertThat(schedule.at(35)).isCloseTo(0.05 * (1 + Math.cos(Math.PI / 4)), within(1e-12));
        assertThat(schedule.at(110)).isCloseTo(0.0, within(1e-12));
        assertThat(schedule.at(500)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void rejectsAWarmUpAsLongAsTheRun() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LearningRateSchedule(0.1, 10, 10));
    }
}
