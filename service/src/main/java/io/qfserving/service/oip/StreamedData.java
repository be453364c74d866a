package io.qfserving.service.oip;

import io.qfserving.service.errors.ServingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The {@code data} array of a JSON input tensor, read token by token into floats as it is parsed
 * (the shape may come later in the object), with what is needed to check it against the shape
 * afterwards: the length of the arrays at each depth, and where numbers and arrays appeared. Values
 * go into one array of the shape's size when the shape came first; otherwise into one that doubles
 * as it fills. A number takes at least two characters ({@code 0,}) and a float four bytes.
 */
final class StreamedData {

    private static final int UNSEEN = -2;
    private static final int RAGGED = -1;

    private float[] values;
    private int count;
    /** The first value that is not a finite FP32 number, as the error will describe it. */
    private String badValue;
    /** Length of the arrays at each depth; {@link #RAGGED} once two differ. */
    private final List<Integer> lengths = new ArrayList<>();
    private int numberDepths;
    private int arrayDepths;
    private boolean firstIsArray;

    private StreamedData(int expected) {
        this.values = new float[expected];
    }

    /**
     * Reads the array the parser is at (its START_ARRAY already read), to its END_ARRAY.
     *
     * @param expected how many values to make room for: the shape's count when the shape came first
     */
    static StreamedData read(JsonParser parser, int expected) {
        StreamedData data = new StreamedData(Math.max(expected, 16));
        data.array(parser, 0);
        return data;
    }

    private void array(JsonParser parser, int depth) {
        while (lengths.size() <= depth) {
            lengths.add(UNSEEN);
        }
        int length = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (depth == 0 && length == 0) {
                firstIsArray = token == JsonToken.START_ARRAY;
            }
            length++;
            if (token == JsonToken.START_ARRAY) {
                arrayDepths |= 1 << Math.min(depth, 30);
                array(parser, depth + 1);
            } else {
                numberDepths |= 1 << Math.min(depth, 30);
                value(parser, token);
            }
        }
        if (lengths.get(depth) == UNSEEN) {
            lengths.set(depth, length);
        } else if (lengths.get(depth) != length) {
            lengths.set(depth, RAGGED);
        }
    }

    private void value(JsonParser parser, JsonToken token) {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            String element = token == JsonToken.START_OBJECT ? parser.readValueAsTree().toString() : parser.getString();
            if (badValue == null) {
                badValue = "holds " + element + " where an FP32 number belongs";
            }
            return;
        }
        double value = parser.getDoubleValue();
        if (!Double.isFinite(value) || Math.abs(value) > Float.MAX_VALUE) {
            if (badValue == null) {
                badValue = "holds " + parser.getString() + ", which is not a finite FP32 value";
            }
            return;
        }
        if (count == values.length) {
            values = Arrays.copyOf(values, (int) Math.min((long) values.length * 2, Integer.MAX_VALUE - 8));
        }
        values[count++] = (float) value;
    }

    /** The values, row-major, if they are numbers laid out flat or nested exactly as the shape says. */
    float[] values(long[] shape, int elements, String input) {
        if (badValue != null) {
            throw ServingException.badRequest("input '" + input + "' " + badValue);
        }
        boolean flat = !lengths.isEmpty() && lengths.getFirst() != 0 && !firstIsArray;
        if (flat ? arrayDepths != 0 : !nestedAsShaped(shape)) {
            throw flat ? ServingException.badRequest("input '" + input + "' holds an array where an FP32 number belongs")
                    : ServingException.badRequest("input '" + input + "' has nested data that does not follow its shape "
                            + Arrays.toString(shape) + " (a ragged or mis-shaped array)");
        }
        if (count != elements) {
            throw ServingException.badRequest("input '" + input + "' carries " + count + " values; its shape needs " + elements);
        }
        return count == values.length ? values : Arrays.copyOf(values, count);
    }

    /** Arrays at every depth but the last, numbers only at the last, each depth as long as the shape says. */
    private boolean nestedAsShaped(long[] shape) {
        int rank = shape.length;
        if (lengths.size() != rank || rank > 30) {
            return false;
        }
        for (int d = 0; d < rank; d++) {
            if (lengths.get(d) != shape[d]) {
                return false;
            }
        }
        return arrayDepths == (1 << (rank - 1)) - 1 && (numberDepths & ~(1 << (rank - 1))) == 0;
    }
}
