package io.qfserving.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightQuantizerTests {

    private static final int CHANNELS = 8;

    /** A [3, 3, 4, 8] conv kernel whose output channels span four orders of magnitude. */
    private static float[] kernelWithUnevenChannels() {
        Random random = new Random(11);
        float[] kernel = new float[3 * 3 * 4 * CHANNELS];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (float) (random.nextGaussian() * Math.pow(10, (i % CHANNELS) / 2.0 - 2));
        }
        return kernel;
    }

    @Test
    void eachChannelsLargestWeightMapsTo127() {
        float[] kernel = kernelWithUnevenChannels();

        QuantizedTensor quantized = WeightQuantizer.perChannel(kernel, CHANNELS);

        assertThat(quantized.type()).isEqualTo(QuantType.INT8);
        assertThat(quantized.channels()).isEqualTo(CHANNELS);
        for (int c = 0; c < CHANNELS; c++) {
            int largest = c;
            for (int i = c; i < kernel.length; i += CHANNELS) {
                largest = Math.abs(kernel[i]) > Math.abs(kernel[largest]) ? i : largest;
            }
            assertThat(quantized.scales()[c]).isCloseTo(Math.abs(kernel[largest]) / 127, within(Math.abs(kernel[largest]) * 1e-7f));
            assertThat(quantized.values()[largest]).isEqualTo(kernel[largest] > 0 ? 127 : -127);
        }
    }

    @Test
    void perChannelErrsNoMoreThanPerTensorInEveryChannel() {
        float[] kernel = kernelWithUnevenChannels();
        QuantizedTensor perChannel = WeightQuantizer.perChannel(kernel, CHANNELS);
        QuantizedTensor perTensor = WeightQuantizer.perTensor(kernel);

        for (int c = 0; c < CHANNELS; c++) {
            assertThat(squaredError(kernel, perChannel, c)).as("channel %d", c)
                    .isLessThanOrEqualTo(squaredError(kernel, perTensor, c));
        }
        // The largest channel sets the per-tensor scale; the smallest one gains by orders of magnitude.
        assertThat(squaredError(kernel, perChannel, CHANNELS - 1)).isEqualTo(squaredError(kernel, perTensor, CHANNELS - 1));
        assertThat(squaredError(kernel, perChannel, 0)).isLessThan(squaredError(kernel, perTensor, 0) / 1000);
    }

    @Test
    void perTensorSmallChannelsCollapseToZero() {
        float[] kernel = kernelWithUnevenChannels();

        QuantizedTensor quantized = WeightQuantizer.perTensor(kernel);

        assertThat(quantized.scales()).hasSize(1);
        for (int i = 0; i < kernel.length; i += CHANNELS) { // channel 0: 1000x smaller than channel 7
            assertThat(quantized.values()[i]).isZero();
        }
    }

    @Test
    void theChannelIsTheLastAxisOfADepthwiseKernel() {
        float[] depthwise = new float[3 * 3 * CHANNELS]; // [3, 3, 8, 1]
        for (int i = 0; i < depthwise.length; i++) {
            depthwise[i] = (i % CHANNELS + 1) * (i % 3 == 0 ? -1f : 0.5f);
        }

        QuantizedTensor quantized = WeightQuantizer.perChannel(depthwise, CHANNELS);

        for (int c = 0; c < CHANNELS; c++) {
            assertThat(quantized.scales()[c]).isCloseTo((c + 1) / 127f, within(1e-6f));
        }
        assertThat(quantized.values()).containsOnly(-127, 64); // 0.5 / 1 of the channel's max, 63.5 rounded to even
    }

    @Test
    void anAllZeroChannelStaysZero() {
        float[] kernel = {0f, 1f, 0f, -2f};

        QuantizedTensor quantized = WeightQuantizer.perChannel(kernel, 2);

        assertThat(quantized.values()).containsExactly(0, 64, 0, -127);
        assertThat(quantized.dequantize()[0]).isZero();
        assertThat(quantized.scales()[0]).isPositive();
    }

    @Test
    void biasUsesInputScaleTimesWeightScaleAndRoundTripsWithinHalfAStep() {
        float inputScale = 6f / 255;
        QuantizedTensor weights = WeightQuantizer.perChannel(kernelWithUnevenChannels(), CHANNELS);
        float[] bias = Samples.gaussian(new Random(13), CHANNELS, 0, 0.5);

        QuantizedTensor quantized = WeightQuantizer.bias(bias, inputScale, weights);
        float[] restored = quantized.dequantize();

        assertThat(quantized.type()).isEqualTo(QuantType.INT32);
        for (int c = 0; c < CHANNELS; c++) {
            float scale = quantized.scales()[c];
            assertThat(scale).isEqualTo(inputScale * weights.scales()[c]);
            assertThat(quantized.quantizer(c).zeroPoint()).isZero();
            assertThat(Math.abs(restored[c] - bias[c])).isLessThanOrEqualTo(scale / 2 + Math.ulp(bias[c]));
        }
    }

    @Test
    void perTensorWeightsGiveTheBiasOneScale() {
        QuantizedTensor weights = WeightQuantizer.perTensor(new float[] {0.5f, -1.27f, 0.1f});

        QuantizedTensor quantized = WeightQuantizer.bias(new float[] {0.2f, -0.3f, 0.4f}, 0.1f, weights);

        assertThat(quantized.scales()).containsExactly(0.1f * 0.01f);
        assertThat(quantized.values()).containsExactly(200, -300, 400);
    }

    @Test
    void rejectsShapesThatDoNotMatchTheChannels() {
        assertThatThrownBy(() -> WeightQuantizer.perChannel(new float[10], 4)).isInstanceOf(IllegalArgumentException.class);
        QuantizedTensor weights = WeightQuantizer.perChannel(new float[12], 4);
        assertThatThrownBy(() -> WeightQuantizer.bias(new float[3], 1f, weights)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double squaredError(float[] reals, QuantizedTensor quantized, int channel) {
        float[] restored = quantized.dequantize();
        double sum = 0;
        for (int i = channel; i < reals.length; i += CHANNELS) {
            sum += (restored[i] - reals[i]) * (double) (restored[i] - reals[i]);
        }
        return sum;
    }
}
