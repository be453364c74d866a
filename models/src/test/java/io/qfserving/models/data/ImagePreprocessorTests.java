package io.qfserving.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qfserving.runtime.preprocess.ImagePreprocessor;
import io.qfserving.runtime.preprocess.Normalization;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTests {

    @Test
    void normalizesASolidColourToTheExpectedValues() throws IOException {
        try (ImagePreprocessor p = new ImagePreprocessor(16, 16, Normalization.MINUS_ONE_TO_ONE)) {
            float[] x = p.apply(png(solid(40, 30, new Color(255, 0, 51), BufferedImage.TYPE_INT_RGB)));
            assertThat(x).hasSize(16 * 16 * 3);
            assertThat(x[0]).isCloseTo(1f, within(1e-6f));
            assertThat(x[1]).isCloseTo(-1f, within(1e-6f));
            assertThat(x[2]).isCloseTo((51 - 127.5f) / 127.5f, within(1e-6f));
        }
    }

    @Test
    void normalizesEachChannelWithItsOwnMeanAndStd() throws IOException {
        Normalization imagenet = new Normalization(new float[] {123.675f, 116.28f, 103.53f}, new float[] {58.395f, 57.12f, 57.375f});
        try (ImagePreprocessor p = new ImagePreprocessor(16, 16, imagenet)) {
            float[] x = p.apply(png(solid(40, 30, new Color(255, 0, 51), BufferedImage.TYPE_INT_RGB)));
            for (int pixel = 0; pixel < 16 * 16; pixel++) {
                assertThat(x[3 * pixel]).isCloseTo((255 - 123.675f) / 58.395f, within(1e-6f));
                assertThat(x[3 * pixel + 1]).isCloseTo((0 - 116.28f) / 57.12f, within(1e-6f));
                assertThat(x[3 * pixel + 2]).isCloseTo((51 - 103.53f) / 57.375f, within(1e-6f));
            }
        }
    }

    @Test
    void expandsGrayscaleAndDropsAlpha() throws IOException {
        try (ImagePreprocessor p = new ImagePreprocessor(8, 8, Normalization.MINUS_ONE_TO_ONE)) {
            float[] gray = p.apply(png(solid(10, 10, new Color(100, 100, 100), BufferedImage.TYPE_BYTE_GRAY)));
            assertThat(gray[0]).isEqualTo(gray[1]).isEqualTo(gray[2]);
            float[] rgba = p.apply(png(solid(10, 10, new Color(0, 255, 0, 10), BufferedImage.TYPE_INT_ARGB)));
            assertThat(rgba[1]).isCloseTo(1f, within(1e-6f));
        }
    }

    @Test
    void rejectsBytesThatAreNoImage() {
        try (ImagePreprocessor p = new ImagePreprocessor(8, 8, Normalization.MINUS_ONE_TO_ONE)) {
            assertThatThrownBy(() -> p.apply("not an image".getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("Unknown image file format");
        }
    }

    @Test
    void decodesAJpegAtTheLargestDctScaleThatKeepsBothSidesAtLeastTheInput() {
        try (ImagePreprocessor p = new ImagePreprocessor(128, 128, Normalization.MINUS_ONE_TO_ONE)) {
            assertThat(p.jpegScale(224, 224)).isEqualTo(1);
            assertThat(p.jpegScale(256, 255)).as("255 / 2 rounds up to 128").isEqualTo(2);
            assertThat(p.jpegScale(256, 254)).isEqualTo(1);
            assertThat(p.jpegScale(500, 375)).isEqualTo(2);
            assertThat(p.jpegScale(1024, 1024)).isEqualTo(8);
            assertThat(p.jpegScale(1016, 1024)).isEqualTo(4);
            assertThatThrownBy(() -> p.apply(new byte[0], 3)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static BufferedImage solid(int w, int h, Color color, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
