package io.qfserving.service.classify;

import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.ModelRef;
import io.qfserving.service.inference.Transport;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Our classify API, whichever transport it came by: images in, labelled top-k per image out. */
@Service
class ClassifyService {

    /** A classified request: its id, what ran it, and each image's predictions in request order. */
    record Result(String requestId, Inference inference, List<List<Prediction>> predictions) {}

    private final InferenceService inference;

    ClassifyService(InferenceService inference) {
        this.inference = inference;
    }

    /**
     * @param model the model name, or null for the server's default model
     * @param version a version, or null for the newest ready one
     * @param topK predictions per image, or null for the server default
     */
    Result classify(String model, String version, List<byte[]> images, Integer topK, Instant deadline, Transport transport) {
        String name = model == null || model.isBlank() ? inference.properties().defaultModel() : model;
        String ver = version == null || version.isBlank() ? null : version;
        Inference result = inference.classify(new ModelRef(name, ver), images, deadline, transport);
        int k = topK == null ? inference.properties().defaultTopK() : topK;
        List<List<Prediction>> predictions = result.rows().stream()
                .map(row -> Prediction.topK(row.probabilities(), result.model().manifest().labels(), k))
                .toList();
        return new Result(UUID.randomUUID().toString(), result, predictions);
    }
}
