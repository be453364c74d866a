package io.qfserving.service.oip;

import io.qfserving.service.errors.ServingException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Open Inference Protocol's wire forms of tensor data shared by REST (binary tensor extension)
 * and gRPC ({@code raw_input_contents} / {@code raw_output_contents}): FP32 as little-endian floats,
 * BYTES as elements each preceded by a 4-byte little-endian length.
 */
final class OipTensors {

    static final String FP32 = "FP32";
    static final String BYTES = "BYTES";

    private OipTensors() {}

    static float[] fp32(byte[] raw, int offset, int length, String input) {
        if (length % Float.BYTES != 0) {
            throw ServingException.badRequest("input '" + input + "' has " + length + " bytes of FP32 data, not a multiple of 4");
        }
        float[] values = new float[length / Float.BYTES];
        ByteBuffer.wrap(raw, offset, length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    static byte[] fp32(float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return raw.array();
    }

    static byte[] bytes(List<String> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String element : elements) {
            byte[] utf8 = element.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
            out.writeBytes(utf8);
        }
        return out.toByteArray();
    }

    /** Elements in a shape, checked: every dimension positive and the product an int. */
    static int elements(long[] shape, String input) {
        long count = 1;
        for (long d : shape) {
            if (d < 1) {
                throw ServingException.badRequest("input '" + input + "' has a dimension of " + d + " in its shape");
            }
            count = Math.multiplyExact(count, d);
            if (count > Integer.MAX_VALUE) {
                throw ServingException.badRequest("input '" + input + "' is too large");
            }
        }
        return (int) count;
    }
}
