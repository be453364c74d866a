package io.qfserving.service.oip;

import io.qfserving.service.errors.ServingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes an Open Inference Protocol REST inference request (JSON, optionally followed by binary
 * tensors) strictly: every field has the type the protocol gives it, and anything else is a 400
 * saying which field is wrong, never a server error. Shapes are integers of at least 1; FP32 data are
 * numbers that fit a float (so 1e39 is refused, not turned into infinity), flat or nested exactly as
 * the shape says; inputs and outputs are objects with names; integer parameters are integers in range.
 */
final class OipJsonRequests {

    private final JsonMapper json;

    OipJsonRequests(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param body the whole body
     * @param jsonLength how much of it is the JSON header; the binary tensors follow it
     */
    OipService.Request decode(byte[] body, int jsonLength) {
        JsonNode root;
        try {
            root = json.readTree(body, 0, jsonLength);
        } catch (JacksonException e) {
            throw ServingException.badRequest("the inference request is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ServingException.badRequest("the inference request must be a JSON object");
        }
        String id = optionalString(root, "id", "the request");
        JsonNode parameters = optionalObject(root, "parameters", "the request");
        boolean binaryByDefault = optionalBoolean(parameters, "binary_data_output", "the request's parameters");
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServingException.badRequest("'inputs' must be a non-empty array of input tensors");
        }
        List<OipService.Input> decoded = new ArrayList<>();
        int offset = jsonLength;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = object(inputs.get(i), "inputs[" + i + "]");
            String name = requiredString(input, "name", "inputs[" + i + "]");
            String datatype = requiredString(input, "datatype", "input '" + name + "'");
            long[] shape = shape(input.get("shape"), name);
            if (!OipTensors.FP32.equals(datatype)) {
                throw ServingException.badRequest("input '" + name + "' is " + datatype + "; only FP32 is accepted");
            }
            JsonNode inputParameters = optionalObject(input, "parameters", "input '" + name + "'");
            Long binarySize = optionalInteger(inputParameters, "binary_data_size", "input '" + name + "'", 0, Integer.MAX_VALUE);
            int elements = OipTensors.elements(shape, name);
            float[] values;
            if (binarySize != null) {
                if (offset + binarySize > body.length) {
                    throw ServingException.badRequest("input '" + name + "' declares " + binarySize + " binary bytes; the body has "
                            + (body.length - offset) + " left");
                }
                values = OipTensors.fp32(body, offset, binarySize.intValue(), name);
                offset += binarySize.intValue();
            } else {
                values = data(input.get("data"), shape, elements, name);
            }
            decoded.add(new OipService.Input(name, datatype, shape, values));
        }
        return new OipService.Request(id, decoded, outputs(root.get("outputs")), binaryByDefault);
    }

    private static List<OipService.RequestedOutput> outputs(JsonNode outputs) {
        if (outputs == null || outputs.isNull()) {
            return List.of();
        }
        if (!outputs.isArray()) {
            throw ServingException.badRequest("'outputs' must be an array of requested outputs");
        }
        List<OipService.RequestedOutput> requested = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode output = object(outputs.get(i), "outputs[" + i + "]");
            String name = requiredString(output, "name", "outputs[" + i + "]");
            JsonNode parameters = optionalObject(output, "parameters", "output '" + name + "'");
            Long classification = optionalInteger(parameters, "classification", "output '" + name + "'", 0, Integer.MAX_VALUE);
            requested.add(new OipService.RequestedOutput(name, classification == null ? 0 : classification.intValue(),
                    optionalBoolean(parameters, "binary_data", "output '" + name + "'")));
        }
        return requested;
    }

    private static long[] shape(JsonNode shape, String input) {
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw ServingException.badRequest("input '" + input + "' needs a 'shape': a non-empty array of integers");
        }
        long[] dimensions = new long[shape.size()];
        for (int d = 0; d < shape.size(); d++) {
            JsonNode dimension = shape.get(d);
            if (!dimension.isIntegralNumber() || !dimension.canConvertToLong() || dimension.longValue() < 1) {
                throw ServingException.badRequest("input '" + input + "' has shape " + shape + "; every dimension must be an integer of at least 1");
            }
            dimensions[d] = dimension.longValue();
        }
        return dimensions;
    }

    /** The values of a JSON tensor: flat, or nested with exactly the shape's dimensions at each level. */
    private static float[] data(JsonNode data, long[] shape, int elements, String input) {
        if (data == null || !data.isArray()) {
            throw ServingException.badRequest("input '" + input + "' needs a 'data' array (or the binary_data_size parameter)");
        }
        float[] values = new float[elements];
        boolean flat = data.size() > 0 && !data.get(0).isArray();
        int count = flat ? leaves(data, values, 0, input) : nested(data, shape, 0, values, 0, input);
        if (count != elements) {
            throw ServingException.badRequest("input '" + input + "' carries " + count + " values; its shape needs " + elements);
        }
        return values;
    }

    private static int nested(JsonNode level, long[] shape, int depth, float[] values, int position, String input) {
        if (depth == shape.length - 1) {
            if (!level.isArray() || level.size() != shape[depth]) {
                throw ragged(input, shape);
            }
            return leaves(level, values, position, input);
        }
        if (!level.isArray() || level.size() != shape[depth]) {
            throw ragged(input, shape);
        }
        for (JsonNode child : level) {
            position = nested(child, shape, depth + 1, values, position, input);
        }
        return position;
    }

    private static int leaves(JsonNode array, float[] values, int position, String input) {
        for (JsonNode element : array) {
            if (!element.isNumber()) {
                throw ServingException.badRequest("input '" + input + "' holds " + element + " where an FP32 number belongs");
            }
            double value = element.doubleValue();
            if (!Double.isFinite(value) || Math.abs(value) > Float.MAX_VALUE) {
                throw ServingException.badRequest("input '" + input + "' holds " + element.asString() + ", which is not a finite FP32 value");
            }
            if (position < values.length) {
                values[position] = (float) value;
            }
            position++;
        }
        return position;
    }

    private static ServingException ragged(String input, long[] shape) {
        return ServingException.badRequest("input '" + input + "' has nested data that does not follow its shape "
                + Arrays.toString(shape) + " (a ragged or mis-shaped array)");
    }

    private static JsonNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw ServingException.badRequest(what + " must be a JSON object, got " + node);
        }
        return node;
    }

    private static String requiredString(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw ServingException.badRequest(what + " needs '" + field + "' as a non-empty string");
        }
        return value.asString();
    }

    private static String optionalString(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ServingException.badRequest("'" + field + "' of " + what + " must be a string, got " + value);
        }
        return value.asString();
    }

    private static JsonNode optionalObject(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw ServingException.badRequest("'" + field + "' of " + what + " must be an object, got " + value);
        }
        return value;
    }

    private static boolean optionalBoolean(JsonNode parameters, String field, String what) {
        JsonNode value = parameters == null ? null : parameters.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ServingException.badRequest("parameter '" + field + "' of " + what + " must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static Long optionalInteger(JsonNode parameters, String field, String what, long min, long max) {
        JsonNode value = parameters == null ? null : parameters.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw ServingException.badRequest("parameter '" + field + "' of " + what + " must be an integer from " + min + " to "
                    + max + ", got " + value);
        }
        return value.longValue();
    }
}
