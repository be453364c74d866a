package io.qfserving.service.classify;

import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.transport.HttpRequests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/classify} (the default model) and {@code POST /v1/models/{model}[/versions/{v}]:classify}:
 * a JPEG or PNG as the raw body, or a multipart upload whose {@code file} parts form one batch.
 */
@RestController
@Tag(name = "classify", description = "Labelled top-k classification of JPEG and PNG images")
class ClassifyController {

    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Sticky experiments: the same client id keeps its variant while the weights stay. */
    static final String CLIENT_ID_HEADER = "X-Client-Id";
    /** Pins an experiment variant by name, where the experiment allows it. */
    static final String VARIANT_HEADER = "X-Variant";

    private final ClassifyService classify;
    private final InferenceService inference;

    ClassifyController(ClassifyService classify, InferenceService inference) {
        this.classify = classify;
        this.inference = inference;
    }

    @Operation(summary = "Classify one image sent as the request body")
    @PostMapping(path = {"/v1/classify", "/v1/models/{model}:classify", "/v1/models/{model}/versions/{version}:classify"},
            consumes = {MediaType.IMAGE_JPEG_VALUE, MediaType.IMAGE_PNG_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<ClassifyResponse> classifyBody(
            @PathVariable(required = false) String model,
            @PathVariable(required = false) String version,
            @Parameter(description = "predictions per image (default 5)") @RequestParam(name = "top_k", required = false) Integer topK,
            @Parameter(description = "the client's deadline in milliseconds") @RequestHeader(name = HttpRequests.TIMEOUT_HEADER,
                    required = false) String timeout,
            @Parameter(description = "sticky experiment assignment") @RequestHeader(name = CLIENT_ID_HEADER,
                    required = false) String clientId,
            @Parameter(description = "pin an experiment variant") @RequestHeader(name = VARIANT_HEADER, required = false) String variant,
            HttpServletRequest request) {
        byte[] image = HttpRequests.body(request, inference.properties().maxImageSize().toBytes());
        ClassifyService.Result result = classify.classify(new ClassifyService.Call(model, version, List.of(image), topK,
                inference.deadline(HttpRequests.timeout(timeout)), Transport.HTTP, clientId, variant));
        return respond(result, ClassifyResponse.of(result, result.predictions().getFirst(), null));
    }

    @Operation(summary = "Classify a batch of images uploaded as multipart 'file' parts")
    @PostMapping(path = {"/v1/classify", "/v1/models/{model}:classify", "/v1/models/{model}/versions/{version}:classify"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ClassifyResponse> classifyFiles(
            @PathVariable(required = false) String model,
            @PathVariable(required = false) String version,
            @RequestPart("file") List<MultipartFile> files,
            @RequestParam(name = "top_k", required = false) Integer topK,
            @RequestHeader(name = HttpRequests.TIMEOUT_HEADER, required = false) String timeout,
            @RequestHeader(name = CLIENT_ID_HEADER, required = false) String clientId,
            @RequestHeader(name = VARIANT_HEADER, required = false) String variant) {
        List<byte[]> images = new ArrayList<>(files.size());
        for (MultipartFile file : files) {
            images.add(bytes(file));
        }
        ClassifyService.Result result = classify.classify(new ClassifyService.Call(model, version, images, topK,
                inference.deadline(HttpRequests.timeout(timeout)), Transport.HTTP, clientId, variant));
        List<ClassifyResponse.FileResult> perFile = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            perFile.add(new ClassifyResponse.FileResult(files.get(i).getOriginalFilename(), result.predictions().get(i)));
        }
        return respond(result, ClassifyResponse.of(result, null, perFile));
    }

    private static ResponseEntity<ClassifyResponse> respond(ClassifyService.Result result, ClassifyResponse body) {
        return ResponseEntity.ok().header(REQUEST_ID_HEADER, result.requestId()).body(body);
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded file " + file.getOriginalFilename(), e);
        }
    }
}
