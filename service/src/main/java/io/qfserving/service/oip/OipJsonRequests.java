package io.qfserving.service.oip;

import io.qfserving.service.errors.ServingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes an Open Inference Protocol REST inference request (JSON, optionally followed by binary
 * tensors) strictly: every field has the type the protocol gives it, and anything else is a 400
 * saying which field is wrong, never a server error. Shapes are integers of at least 1; FP32 data are
 * numbers that fit a float (so 1e39 is refused, not turned into infinity), flat or nested exactly as
 * the shape says; inputs and outputs are objects with names; integer parameters are integers in range.
 * Tensor data are read from the parser straight into floats ({@link StreamedData}), never as a tree
 * of number nodes: beyond its body, a request holds one float array per input (of the shape's size,
 * or up to twice its values while it grows when the data come before the shape).
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
        Parsed parsed;
        try (JsonParser parser = json.createParser(body, 0, jsonLength)) {
            parsed = parse(parser, jsonLength / 2);
        } catch (JacksonException e) {
            throw ServingException.badRequest("the inference request is not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode root = parsed.root();
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
            } else if (parsed.data().containsKey(i)) {
                values = parsed.data().get(i).values(shape, elements, name);
            } else {
                throw ServingException.badRequest("input '" + name + "' needs a 'data' array (or the binary_data_size parameter)");
            }
            decoded.add(new OipService.Input(name, datatype, shape, values));
        }
        return new OipService.Request(id, decoded, outputs(root.get("outputs")), binaryByDefault);
    }

    /** The request as a tree, but for each input's data, read straight into floats. */
    private record Parsed(JsonNode root, Map<Integer, StreamedData> data) {}

    /** @param mostValues the most numbers the JSON can hold (each takes two characters or more) */
    private Parsed parse(JsonParser parser, int mostValues) {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            return new Parsed(first == null ? null : parser.readValueAsTree(), Map.of());
        }
        ObjectNode root = json.createObjectNode();
        Map<Integer, StreamedData> data = new HashMap<>();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.START_ARRAY && field.equals("inputs")) {
                ArrayNode inputs = root.putArray("inputs");
                data.clear();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    inputs.add(parser.currentToken() == JsonToken.START_OBJECT ? input(parser, inputs.size(), data, mostValues)
                            : parser.<JsonNode>readValueAsTree());
                }
            } else {
                root.set(field, parser.<JsonNode>readValueAsTree());
            }
        }
        if (parser.nextToken() != null) {
            throw ServingException.badRequest("the inference request has content after its JSON object");
        }
        return new Parsed(root, data);
    }

    private ObjectNode input(JsonParser parser, int index, Map<Integer, StreamedData> data, int mostValues) {
        ObjectNode input = json.createObjectNode();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.START_ARRAY && field.equals("data")) {
                data.put(index, StreamedData.read(parser, expectedValues(input.get("shape"), mostValues)));
                input.remove("data");
            } else {
                if (field.equals("data")) {
                    data.remove(index);
                }
                input.set(field, parser.<JsonNode>readValueAsTree());
            }
        }
        return input;
    }

    /**
     * The values a shape read so far asks for, or 0 when there is none yet, it is not a valid one, or
     * it asks for more than the body could hold (room is made only for what can come).
     */
    private static int expectedValues(JsonNode shape, int mostValues) {
        if (shape == null || !shape.isArray()) {
            return 0;
        }
        long product = 1;
        for (JsonNode dimension : shape) {
            if (!isDimension(dimension)) {
                return 0;
            }
            product = Math.multiplyExact(product, Math.min(dimension.longValue(), Integer.MAX_VALUE));
            if (product > mostValues) {
                return 0;
            }
        }
        return (int) product;
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
            if (!isDimension(dimension)) {
                throw ServingException
                        .badRequest("input '" + input + "' has shape " + shape + "; every dimension must be an integer of at least 1");
            }
            dimensions[d] = dimension.longValue();
        }
        return dimensions;
    }

    private static boolean isDimension(JsonNode dimension) {
        return dimension.isIntegralNumber() && dimension.canConvertToLong() && dimension.longValue() >= 1;
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
