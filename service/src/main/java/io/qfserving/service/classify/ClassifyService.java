package io.qfserving.service.classify;

import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.ExperimentRegistry;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.OverrideRefusedException;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.experiment.Route;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.metrics.ModelTags;
import io.qfserving.service.repository.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Our classify API, whichever transport it came by: a name that an experiment runs under is routed to
 * one of its variants (and maybe mirrored to its shadow); any other name, or an explicit version,
 * is served as that model. Every answer is remembered for feedback, in the experiment store that
 * every replica shares, and the experiment's counters are written there too; neither ever fails the call.
 */
@Service
class ClassifyService {

    /**
     * One classify call.
     *
     * @param model a model or experiment name, or null for the server's default
     * @param version a version, or null for the newest ready one (a version bypasses experiments)
     * @param topK predictions per image, or null for the server default
     * @param clientKey the caller's identity for sticky variants ({@code X-Client-Id}), or null
     * @param pinnedVariant a variant the caller asks for by name, where the experiment allows it, or null
     */
    record Call(String model, String version, List<byte[]> images, Integer topK, Instant deadline, Transport transport,
            String clientKey, String pinnedVariant) {}

    /** A classified call: its id, what ran it, each image's predictions in order, and its route (null when direct). */
    record Result(String requestId, Inference inference, List<List<Prediction>> predictions, Route route) {}

    private final InferenceService inference;
    private final ExperimentRegistry experiments;
    private final ExperimentStore store;
    private final ShadowMirror shadow;

    ClassifyService(InferenceService inference, ExperimentRegistry experiments, ExperimentStore store, ShadowMirror shadow) {
        this.inference = inference;
        this.experiments = experiments;
        this.store = store;
        this.shadow = shadow;
    }

    Result classify(Call call) {
        String name = blankToNull(call.model()) == null ? inference.properties().defaultModel() : call.model();
        String version = blankToNull(call.version());
        Route route = version == null ? route(name, call) : null;
        ModelRef target = route != null ? route.model() : new ModelRef(name, version);
        Origin origin = route != null ? new Origin(call.transport(), route.experiment(), route.variant()) : Origin.direct(call.transport());
        Inference result = inference.classify(target, call.images(), call.deadline(), origin);
        int k = call.topK() == null ? inference.properties().defaultTopK() : call.topK();
        List<List<Prediction>> topK = result.rows().stream()
                .map(row -> Prediction.topK(row.probabilities(), result.model().manifest().labels(), k))
                .toList();
        String requestId = UUID.randomUUID().toString();
        store.served(requestId, new PendingPrediction(ModelTags.servedBy(result.model()), call.transport().label(),
                route != null ? route.counters(result.model().version()) : null,
                result.top1().stream().mapToInt(Integer::intValue).toArray()),
                result.timing().total());
        if (route != null && route.mirrored()) {
            shadow.mirror(requestId, route, call.images(), result);
        }
        return new Result(requestId, result, topK, route);
    }

    private Route route(String name, Call call) {
        try {
            return experiments.route(name, blankToNull(call.clientKey()), blankToNull(call.pinnedVariant())).orElse(null);
        } catch (OverrideRefusedException e) {
            throw ServingException.badRequest(e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
