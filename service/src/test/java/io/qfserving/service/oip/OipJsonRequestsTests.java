package io.qfserving.service.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** The REST request decoder alone: one malformed request per rule, each a 400 that names what is wrong. */
class OipJsonRequestsTests {

    private static final String INPUT = "{\"name\":\"image\",\"shape\":[1,1,2,3],\"datatype\":\"FP32\",\"data\":%s}";

    private final OipJsonRequests requests = new OipJsonRequests(JsonMapper.builder().build());

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("not JSON", "{inputs:", "not valid JSON"),
                Arguments.of("not an object", "[1]", "must be a JSON object"),
                Arguments.of("no inputs", "{}", "'inputs' must be a non-empty array"),
                Arguments.of("a null input", "{\"inputs\":[null]}", "inputs[0] must be a JSON object"),
                Arguments.of("an input without a name", "{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}",
                        "needs 'name'"),
                Arguments.of("a null dimension", request("[1,2,3,4,5,6]").replace("[1,1,2,3]", "[null,1,2,3]"),
                        "every dimension must be an integer"),
                Arguments.of("a fractional dimension", request("[1,2,3,4,5,6]").replace("[1,1,2,3]", "[1.5,1,2,3]"),
                        "every dimension must be an integer"),
                Arguments.of("a dimension as a string", request("[1,2,3,4,5,6]").replace("[1,1,2,3]", "[\"1\",1,2,3]"),
                        "every dimension must be an integer"),
                Arguments.of("a zero dimension", request("[1,2,3,4,5,6]").replace("[1,1,2,3]", "[0,1,2,3]"),
                        "every dimension must be an integer of at least 1"),
                Arguments.of("a value beyond FP32", request("[1,2,3,4,5,1e39]"), "not a finite FP32 value"),
                Arguments.of("a value beyond double", request("[1,2,3,4,5,-1e400]"), "not a finite FP32 value"),
                Arguments.of("a null value", request("[1,2,3,4,5,null]"), "where an FP32 number belongs"),
                Arguments.of("a string value", request("[1,2,3,4,5,\"6\"]"), "where an FP32 number belongs"),
                Arguments.of("ragged nesting", request("[[[[1,2,3],[4,5]]]]"), "does not follow its shape"),
                Arguments.of("too few values", request("[1,2,3,4,5]"), "carries 5 values; its shape needs 6"),
                Arguments.of("a null output", request("[1,2,3,4,5,6]").replaceFirst("}]}$", "}],\"outputs\":[null]}"),
                        "outputs[0] must be a JSON object"),
                Arguments.of("an output named null", request("[1,2,3,4,5,6]").replaceFirst("}]}$", "}],\"outputs\":[{\"name\":null}]}"),
                        "needs 'name'"),
                Arguments.of("classification beyond int", request("[1,2,3,4,5,6]").replaceFirst("}]}$",
                        "}],\"outputs\":[{\"name\":\"probs\",\"parameters\":{\"classification\":1e10}}]}"),
                        "must be an integer from 0 to 2147483647"),
                Arguments.of("binary_data_output not a boolean",
                        request("[1,2,3,4,5,6]").replaceFirst("^\\{", "{\"parameters\":{\"binary_data_output\":1},"),
                        "must be true or false"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleRefusesWithItsReason(String rule, String body, String reason) {
        assertThatThrownBy(() -> decode(body)).isInstanceOfSatisfying(ServingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
            assertThat(e.getMessage()).contains(reason);
        });
    }

    @Test
    void flatAndNestedDataAlikeDecodeRowMajor() {
        float[] flat = decode(request("[1,2,3,4,5,6]")).inputs().getFirst().values();
        float[] nested = decode(request("[[[[1,2,3],[4,5,6]]]]")).inputs().getFirst().values();

        assertThat(flat).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(nested).containsExactly(flat);
    }

    @Test
    void dataBeforeTheShapeDecodeAsWhenTheShapeComesFirst() {
        String dataFirst = "{\"inputs\":[{\"name\":\"image\",\"data\":[[[[1,2,3],[4,5,6]]]],\"datatype\":\"FP32\",\"shape\":[1,1,2,3]}]}";
        byte[] bytes = dataFirst.getBytes(StandardCharsets.UTF_8);

        assertThat(requests.decode(bytes, bytes.length).inputs().getFirst().values())
                .containsExactly(decode(request("[1,2,3,4,5,6]")).inputs().getFirst().values());
    }

    private static String request(String data) {
        return "{\"inputs\":[" + INPUT.formatted(data) + "]}";
    }

    private OipService.Request decode(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return requests.decode(bytes, bytes.length);
    }
}
