package io.qfserving.service.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.testing.TestImages;
import java.awt.Dimension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Every input the issue names: decoded when it is a real image, refused before decoding when it is not. */
class PreprocessorTests {

    static final ModelManifest.Preprocessing SPEC = new ModelManifest.Preprocessing("RGB", 32, 32, "bilinear",
            List.of(127.5f, 127.5f, 127.5f), List.of(127.5f, 127.5f, 127.5f), "NHWC");
    static final Preprocessor PREPROCESSOR = new Preprocessor(new InferenceProperties("m", 5, DataSize.ofKilobytes(512),
            1_000_000, 8, DataSize.ofMegabytes(4), Duration.ofSeconds(5), 0, true));

    static final Preprocessor FULL_DECODE = new Preprocessor(new InferenceProperties("m", 5, DataSize.ofKilobytes(512),
            1_000_000, 8, DataSize.ofMegabytes(4), Duration.ofSeconds(5), 0, false));

    @AfterAll
    static void close() {
        PREPROCESSOR.destroy();
        FULL_DECODE.destroy();
    }

    @Test
    void aLargeJpegDecodedAtAScaleGivesNearlyTheInputOfAFullDecode() {
        // 32x32 input: an RGB 512x384 scene decodes at 1/8, a CMYK 256x256 one at 1/8 too.
        for (byte[] jpeg : List.of(TestImages.jpeg(TestImages.scene(512, 384, 7)), TestImages.cmykJpeg(256, 256, 8))) {
            float[] scaled = PREPROCESSOR.apply(jpeg, SPEC);
            float[] full = FULL_DECODE.apply(jpeg, SPEC);
            double meanError = 0;
            for (int i = 0; i < full.length; i++) {
                meanError += Math.abs(full[i] - scaled[i]) / full.length;
            }
            assertThat(scaled).isNotEqualTo(full);
            // Decoding at 1/8 averages each 8x8 block where the full decode's bilinear shrink samples
            // pixels: at a 16x reduction of a busy scene they differ by about 2 of 255 levels.
            assertThat(meanError).as("mean change on the -1..1 scale").isLessThan(0.05);
        }
    }

    @Test
    void decodesJpegPngGrayscaleAlphaAndCmykToNormalizedRgb() {
        for (byte[] image : List.of(TestImages.jpeg(TestImages.scene(64, 48, 1)), TestImages.png(TestImages.scene(50, 70, 2)),
                TestImages.grayscalePng(40, 40, 3), TestImages.rgbaPng(40, 30, 4), TestImages.cmykJpeg(48, 48, 5))) {
            float[] pixels = PREPROCESSOR.apply(image, SPEC);
            assertThat(pixels).hasSize(32 * 32 * 3);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float p : pixels) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            assertThat(min).isGreaterThanOrEqualTo(-1f);
            assertThat(max).isLessThanOrEqualTo(1f).isGreaterThan(min);
        }
    }

    @Test
    void aGrayscaleImageBecomesThreeEqualChannels() {
        float[] pixels = PREPROCESSOR.apply(TestImages.grayscalePng(40, 40, 3), SPEC);
        for (int i = 0; i < pixels.length; i += 3) {
            assertThat(pixels[i]).isEqualTo(pixels[i + 1]).isEqualTo(pixels[i + 2]);
        }
    }

    @Test
    void aCmykJpegKeepsItsColours() {
        var scene = TestImages.scene(48, 48, 5);
        float[] fromRgb = PREPROCESSOR.apply(TestImages.png(scene), SPEC);
        float[] fromCmyk = PREPROCESSOR.apply(TestImages.cmykJpeg(48, 48, 5), SPEC);
        double meanError = 0;
        for (int i = 0; i < fromRgb.length; i++) {
            meanError += Math.abs(fromRgb[i] - fromCmyk[i]) / fromRgb.length;
        }
        assertThat(meanError).as("CMYK decoded to the same colours, up to JPEG loss").isLessThan(0.1);
    }

    @Test
    void refusesWhatIsNotAnImageOrIsOverALimitBeforeDecoding() {
        byte[] jpeg = TestImages.jpeg(TestImages.scene(512, 384, 1));
        assertKind(new byte[0], ErrorKind.BAD_REQUEST, "empty");
        assertKind("just some text".getBytes(StandardCharsets.UTF_8), ErrorKind.UNSUPPORTED_MEDIA, "neither JPEG nor PNG");
        assertKind(TestImages.truncated(jpeg, 0.5), ErrorKind.BAD_REQUEST, "cannot decode the JPEG image");
        assertKind(TestImages.truncated(jpeg, 0.01), ErrorKind.BAD_REQUEST, "not a valid JPEG image");
        assertKind(TestImages.pngClaiming(50_000, 50_000), ErrorKind.TOO_LARGE, "50000x50000");
        assertKind(TestImages.jpegClaiming(50_000, 40_000), ErrorKind.TOO_LARGE, "50000x40000");
        assertKind(new byte[600 * 1024], ErrorKind.TOO_LARGE, "limit");
    }

    @Test
    void readsTheSizeAJpegHeaderDeclares() {
        assertThat(ImageFormat.jpegSize(TestImages.jpeg(TestImages.scene(500, 375, 1)))).isEqualTo(new Dimension(500, 375));
        assertThat(ImageFormat.jpegSize(TestImages.cmykJpeg(48, 40, 5))).isEqualTo(new Dimension(48, 40));
    }

    private static void assertKind(byte[] image, ErrorKind kind, String message) {
        assertThatThrownBy(() -> PREPROCESSOR.apply(image, SPEC))
                .isInstanceOfSatisfying(ServingException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessageContaining(message);
    }
}
