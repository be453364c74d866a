package io.qfserving.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void theChartHoldsTheWholeConfusionMatrixBelowThePerClassAccuracy(@TempDir Path folder) throws IOException {
        List<String> classes = List.of("n01440764", "n02102040", "n02979186", "n03000684", "n03028079", "n03394916", "n03417042",
                "n03425413", "n03445777", "n03888257");
        Evaluation evaluation = new Evaluation(classes);
        for (int c = 0; c < classes.size(); c++) {
            float[] probabilities = new float[classes.size()];
            probabilities[c] = 1;
            evaluation.add(probabilities, c);
        }
        Path png = folder.resolve("eval.png");

        EvaluationReport.chart("m", evaluation.result(), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).as("per-class accuracy (420 px) above the whole matrix (720 px)").isEqualTo(420 + 720);
        assertThat(drawnRows(image, image.getHeight() - 120, image.getHeight())).as("the matrix's last rows and axis labels").isPositive();
    }

    /** Rows between {@code from} and {@code to} with a pixel that is not the background. */
    private static int drawnRows(BufferedImage image, int from, int to) {
        int background = image.getRGB(0, image.getHeight() - 1);
        int rows = 0;
        for (int y = from; y < to; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (image.getRGB(x, y) != background) {
                    rows++;
                    break;
                }
            }
        }
        return rows;
    }
}
