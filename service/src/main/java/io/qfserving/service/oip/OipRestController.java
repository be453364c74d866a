package io.qfserving.service.oip;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.transport.HttpRequests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Open Inference Protocol v2 over HTTP/REST, with Triton's binary tensor data extension (a JSON
 * header of {@value #HEADER_LENGTH} bytes followed by raw tensors) and its classification extension.
 * Readiness answers 200 for true and 400 for false, as the protocol specifies.
 */
@RestController
@Tag(name = "open-inference-protocol", description = "KServe / Triton Open Inference Protocol v2")
class OipRestController {

    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    record ServerMetadata(String name, String version, List<String> extensions) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferResponseJson(String modelName, String modelVersion,
            String id, List<OutputTensorJson> outputs) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OutputTensorJson(String name, String datatype, List<Long> shape, Map<String, Object> parameters, Object data) {}

    private final OipService oip;
    private final InferenceService inference;
    private final JsonMapper json;
    private final OipJsonRequests requests;

    OipRestController(OipService oip, InferenceService inference, JsonMapper json) {
        this.oip = oip;
        this.inference = inference;
        this.json = json;
        this.requests = new OipJsonRequests(json);
    }

    @Operation(summary = "Server metadata")
    @GetMapping("/v2")
    ServerMetadata server() {
        return new ServerMetadata(OipService.SERVER_NAME, oip.serverVersion(), OipService.EXTENSIONS);
    }

    @Operation(summary = "Liveness")
    @GetMapping("/v2/health/live")
    Map<String, Boolean> live() {
        return Map.of("live", true);
    }

    @Operation(summary = "Readiness: every model has a ready version")
    @GetMapping("/v2/health/ready")
    ResponseEntity<Map<String, Boolean>> ready() {
        return readiness(oip.serverReady());
    }

    @Operation(summary = "Model readiness")
    @GetMapping({"/v2/models/{model}/ready", "/v2/models/{model}/versions/{version}/ready"})
    ResponseEntity<Map<String, Boolean>> modelReady(@PathVariable String model, @PathVariable(required = false) String version) {
        return readiness(oip.modelReady(model, version));
    }

    private static ResponseEntity<Map<String, Boolean>> readiness(boolean ready) {
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.BAD_REQUEST).body(Map.of("ready", ready));
    }

    @Operation(summary = "Model metadata: versions, platform, input and output tensors")
    @GetMapping({"/v2/models/{model}", "/v2/models/{model}/versions/{version}"})
    OipService.ModelMetadata model(@PathVariable String model, @PathVariable(required = false) String version) {
        return oip.metadata(model, version);
    }

    @Operation(summary = "Inference: JSON tensors, or a JSON header plus binary tensors (binary tensor data extension)")
    @PostMapping({"/v2/models/{model}/infer", "/v2/models/{model}/versions/{version}/infer"})
    ResponseEntity<byte[]> infer(@PathVariable String model, @PathVariable(required = false) String version,
            @RequestHeader(name = HEADER_LENGTH, required = false) Long headerLength,
            @RequestHeader(name = HttpRequests.TIMEOUT_HEADER, required = false) String timeout,
            HttpServletRequest http) {
        byte[] body = HttpRequests.body(http, inference.properties().maxRequestSize().toBytes());
        int jsonLength = headerLength == null ? body.length : (int) Math.min(headerLength, Integer.MAX_VALUE);
        if (jsonLength < 0 || jsonLength > body.length) {
            throw ServingException.badRequest(HEADER_LENGTH + " is " + headerLength + " but the body has " + body.length + " bytes");
        }
        OipService.Response response = oip.infer(model, version, requests.decode(body, jsonLength),
                inference.deadline(HttpRequests.timeout(timeout)), Transport.HTTP);
        return encode(response);
    }

    private ResponseEntity<byte[]> encode(OipService.Response response) {
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        List<OutputTensorJson> outputs = new ArrayList<>();
        for (OipService.Output out : response.outputs()) {
            List<Long> shape = Arrays.stream(out.shape()).boxed().toList();
            if (out.binary()) {
                byte[] raw = out.values() != null ? OipTensors.fp32(out.values()) : OipTensors.bytes(out.strings());
                binary.writeBytes(raw);
                outputs.add(new OutputTensorJson(out.name(), out.datatype(), shape, Map.of("binary_data_size", raw.length), null));
            } else {
                outputs.add(new OutputTensorJson(out.name(), out.datatype(), shape, null,
                        out.values() != null ? out.values() : out.strings()));
            }
        }
        byte[] header = json.writeValueAsBytes(new InferResponseJson(response.model().name(), response.model().version(),
                response.id(), outputs));
        if (binary.size() == 0) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(header);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(header.length + binary.size());
        body.writeBytes(header);
        body.writeBytes(binary.toByteArray());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HEADER_LENGTH, Integer.toString(header.length)).body(body.toByteArray());
    }

}
