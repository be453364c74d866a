package io.qfserving.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTests {

    @Test
    void countsTopOneTopFiveAndTheConfusionMatrix() {
        List<String> classes = List.of("a", "b", "c", "d", "e", "f", "g");
        Evaluation evaluation = new Evaluation(classes);
        evaluation.add(new float[] {.9f, .1f, 0, 0, 0, 0, 0}, 0); // right
        evaluation.add(new float[] {.1f, .2f, .3f, .4f, .5f, .6f, .05f}, 1); // 5th best: top-5 only
        evaluation.add(new float[] {.1f, .2f, .3f, .4f, .5f, .6f, .05f}, 0); // 6th best: neither
        evaluation.add(new float[] {0, 0, .2f, 0, 0, 0, .8f}, 2); // predicted g, second best: top-5 only
        Evaluation.Result result = evaluation.result();

        assertThat(result.images()).isEqualTo(4);
        assertThat(result.top1()).isCloseTo(25.0, within(1e-9));
        assertThat(result.top5()).isCloseTo(75.0, within(1e-9));
        assertThat(result.confusion()[0]).containsExactly(1, 0, 0, 0, 0, 1, 0);
        assertThat(result.confusion()[1]).containsExactly(0, 0, 0, 0, 0, 1, 0);
        assertThat(result.confusion()[2]).containsExactly(0, 0, 0, 0, 0, 0, 1);
        assertThat(result.classAccuracy(0)).isCloseTo(50.0, within(1e-9));
        assertThat(result.classAccuracy(2)).isZero();
    }
}
