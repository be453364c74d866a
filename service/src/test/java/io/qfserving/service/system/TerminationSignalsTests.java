package io.qfserving.service.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminationSignalsTests {

    @Test
    void theProcessExitsWithTheSignalsStatusAfterClosing() {
        List<String> steps = new ArrayList<>();

        TerminationSignals.closeThenExit(() -> steps.add("closed"), status -> steps.add("exit " + status), 143);

        assertThat(steps).containsExactly("closed", "exit 143");
    }

    @Test
    void theProcessExitsEvenWhenClosingFails() {
        List<Integer> exits = new ArrayList<>();

        TerminationSignals.closeThenExit(() -> {
            throw new NoClassDefFoundError("org/springframework/boot/ExitCodeGenerator");
        }, exits::add, 143);

        assertThat(exits).containsExactly(143);
    }
}
