package io.qfserving.service.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

/** Limits left at 0 follow the cores, so that an admitted request waits behind a few others per core, not dozens. */
class AdmissionPropertiesTests {

    @ParameterizedTest(name = "set {0}/{1}/{2} on {3} cores: {4}/{5}/{6}")
    @CsvSource({
            // set (min, initial, max), cores, resolved (min, initial, max)
            "0, 0, 0, 1, 1, 4, 4",
            "0, 0, 0, 2, 2, 8, 8",
            "0, 0, 0, 16, 16, 64, 64",
            "0, 0, 6, 2, 2, 6, 6",
            "0, 0, 1, 2, 1, 1, 1",
            "3, 0, 0, 2, 3, 8, 8",
            "1, 1, 1, 16, 1, 1, 1",
    })
    void limitsLeftAtZeroAreDerivedFromTheCores(int min, int initial, int max, int cores, int resolvedMin, int resolvedInitial,
            int resolvedMax) {
        AdmissionProperties properties = new AdmissionProperties(true, initial, min, max, 3.0, Duration.ofSeconds(10),
                DataSize.ofMegabytes(256), DataSize.ofKilobytes(32));

        assertThat(properties.limits(cores)).isEqualTo(new AdmissionProperties.Limits(resolvedMin, resolvedInitial, resolvedMax));
    }
}
