package io.qfserving.models.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CropSamplerTests {

    @Test
    void boxesStayInsideTheImageCoverTheMinimumAreaAndFlipAboutHalfTheTime() {
        Random random = new Random(7);
        int flips = 0;
        for (int i = 0; i < 10_000; i++) {
            float[] box = CropSampler.withMinArea(0.25).sample(random);
            float left = Math.min(box[1], box[3]);
            float right = Math.max(box[1], box[3]);
            assertThat(box[0]).isBetween(0f, 1f);
            assertThat(box[2]).isBetween(box[0], 1f);
            assertThat(left).isGreaterThanOrEqualTo(0f);
            assertThat(right).isLessThanOrEqualTo(1.0001f);
            double area = (box[2] - box[0]) * (right - left);
            assertThat(area).isGreaterThanOrEqualTo(0.25 * 0.999);
            double aspect = (right - left) / (box[2] - box[0]);
            assertThat(aspect).isBetween(0.75 * 0.999, 4.0 / 3 * 1.001);
            if (box[1] > box[3]) {
                flips++;
            }
        }
        assertThat(flips).isBetween(4_800, 5_200);
    }

    @Test
    void sameSeedSameBoxes() {
        assertThat(CropSampler.withMinArea(0.25).sample(new Random(3)))
                .containsExactly(CropSampler.withMinArea(0.25).sample(new Random(3)));
    }
}
