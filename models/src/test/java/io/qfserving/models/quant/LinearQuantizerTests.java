package io.qfserving.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LinearQuantizerTests {

    @Test
    void uint8CoversTheRangeWithStepRangeOver255() {
        LinearQuantizer quantizer = LinearQuantizer.fromRange(-1.3f, 4.7f, QuantType.UINT8);

        assertThat(quantizer.scale()).isCloseTo(6f / 255, within(1e-7f));
        assertThat(quantizer.zeroPoint()).isEqualTo(55); // 1.3 / (6 / 255) = 55.25
        assertThat(quantizer.quantize(4.7f)).isEqualTo(255);
        assertThat(quantizer.quantize(-1.3f)).isZero();
    }

    @Test
    void roundTripErrsAtMostHalfAStepInsideTheRange() {
        for (QuantType type : new QuantType[] {QuantType.UINT8, QuantType.INT8}) {
            LinearQuantizer quantizer = LinearQuantizer.fromRange(-1.3f, 4.7f, type);
            for (int i = 0; i <= 10_000; i++) {
                float value = -1.3f + 6f * i / 10_000;
                assertThat(Math.abs(quantizer.fakeQuantize(value) - value))
                        .as("%s at %s", type, value)
                        .isLessThanOrEqualTo(quantizer.scale() / 2 + 1e-6f);
            }
        }
    }

    @Test
    void valuesOutsideTheRangeSaturate() {
        LinearQuantizer uint8 = LinearQuantizer.fromRange(-1f, 3f, QuantType.UINT8);
        LinearQuantizer int8 = LinearQuantizer.fromRange(-1f, 3f, QuantType.INT8);

        assertThat(uint8.quantize(1e6f)).isEqualTo(255);
        assertThat(uint8.quantize(-1e6f)).isZero();
        assertThat(uint8.fakeQuantize(10f)).isCloseTo(uint8.dequantize(255), within(0f));
        assertThat(int8.quantize(1e6f)).isEqualTo(127);
        assertThat(int8.quantize(-1e6f)).isEqualTo(-127);
    }

    @Test
    void zeroIsExactlyRepresentableWhateverTheRange() {
        float[][] ranges = {{-1.3f, 4.7f}, {2f, 5f}, {-3f, -1f}, {-0.001f, 1000f}, {-7.77f, 0.123f}, {0f, 6f}};
        for (float[] range : ranges) {
            for (QuantType type : new QuantType[] {QuantType.UINT8, QuantType.INT8}) {
                LinearQuantizer quantizer = LinearQuantizer.fromRange(range[0], range[1], type);
                assertThat(quantizer.quantize(0f)).isEqualTo(quantizer.zeroPoint());
                assertThat(quantizer.fakeQuantize(0f)).as("%s %s..%s", type, range[0], range[1]).isEqualTo(0f);
            }
        }
    }

    @Test
    void allPositiveRangesStartAtZeroAndAllNegativeOnesEndThere() {
        LinearQuantizer relu6 = LinearQuantizer.fromRange(2f, 6f, QuantType.UINT8);
        LinearQuantizer negative = LinearQuantizer.fromRange(-3f, -1f, QuantType.UINT8);

        assertThat(relu6.zeroPoint()).isZero();
        assertThat(relu6.scale()).isCloseTo(6f / 255, within(1e-7f));
        assertThat(negative.zeroPoint()).isEqualTo(255);
        assertThat(negative.dequantize(0)).isCloseTo(-3f, within(1e-6f));
    }

    @Test
    void symmetricInt8HasZeroPointZeroAndScaleMaxAbsOver127() {
        LinearQuantizer quantizer = LinearQuantizer.fromRange(-0.5f, 2f, QuantType.INT8);

        assertThat(quantizer.zeroPoint()).isZero();
        assertThat(quantizer.scale()).isCloseTo(2f / 127, within(1e-7f));
        assertThat(quantizer.quantize(2f)).isEqualTo(127);
        assertThat(quantizer.quantize(-2f)).isEqualTo(-127);
        assertThat(quantizer.quantize(-0.5f)).isEqualTo(-32); // -31.75
    }

    @Test
    void anAllZeroRangeStillQuantizesZeroExactly() {
        for (QuantType type : new QuantType[] {QuantType.UINT8, QuantType.INT8}) {
            LinearQuantizer quantizer = LinearQuantizer.fromRange(0f, 0f, type);

            assertThat(quantizer.scale()).isPositive();
            assertThat(quantizer.zeroPoint()).isZero();
            assertThat(quantizer.fakeQuantize(0f)).isEqualTo(0f);
        }
    }

    @Test
    void roundsHalfToEven() {
        LinearQuantizer quantizer = new LinearQuantizer(1f, 0, QuantType.INT8);

        assertThat(quantizer.quantize(2.5f)).isEqualTo(2);
        assertThat(quantizer.quantize(3.5f)).isEqualTo(4);
        assertThat(quantizer.quantize(-2.5f)).isEqualTo(-2);
        assertThat(quantizer.quantize(0.5f)).isZero();
    }

    @Test
    void rejectsInvalidParameters() {
        assertThatThrownBy(() -> new LinearQuantizer(0f, 0, QuantType.UINT8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinearQuantizer(Float.NaN, 0, QuantType.UINT8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinearQuantizer(1f, 256, QuantType.UINT8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinearQuantizer(1f, 3, QuantType.INT8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinearQuantizer.fromRange(2f, 1f, QuantType.UINT8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinearQuantizer.fromRange(0f, Float.POSITIVE_INFINITY, QuantType.UINT8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
