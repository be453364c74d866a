package io.qfserving.service.feedback;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.PendingPrediction;
import io.qfserving.service.experiment.VariantTally;
import io.qfserving.service.repository.ModelRepository;
import io.qfserving.service.repository.ModelStatus;
import io.qfserving.service.repository.ServedModel;
import io.qfserving.service.repository.VersionStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Ground truth for served predictions, from HTTP ({@code POST /v1/feedback}) or gRPC: counted as
 * correct or incorrect per model version and experiment variant ({@code qf_feedback_total}), which
 * gives the online accuracy that the dashboard and the experiment report show. The prediction may
 * have been served by any replica that shares the experiment store.
 */
@Service
public class FeedbackService {

    /** What the feedback said about a prediction. */
    public record Verdict(String requestId, int image, boolean correct, ModelManifest.Label predicted, ModelManifest.Label actual) {}

    private final ExperimentStore store;
    private final ModelRepository repository;
    private final FeedbackProperties properties;
    private final FeedbackMetrics metrics;

    FeedbackService(ExperimentStore store, ModelRepository repository, FeedbackProperties properties, FeedbackMetrics metrics) {
        this.store = store;
        this.repository = repository;
        this.properties = properties;
        this.metrics = metrics;
    }

    /**
     * @param label the true class: a synset id, a label name, or a class index
     * @param image which image of the request (0 for a single-image request)
     */
    public Verdict record(String requestId, String label, int image) {
        if (requestId == null || requestId.isBlank()) {
            throw ServingException.badRequest("feedback needs the 'request_id' of the classification it is about");
        }
        PendingPrediction served = store.prediction(requestId).orElseThrow(() -> unknown(requestId));
        if (image < 0 || image >= served.top1().length) {
            throw ServingException.badRequest("request " + requestId + " classified " + served.top1().length
                    + " image(s); there is no image " + image);
        }
        List<ModelManifest.Label> labels = labels(served.servedBy());
        int actual = resolve(label, labels);
        int predicted = served.top1()[image];
        boolean correct = predicted == actual;
        Boolean shadowCorrect = served.shadowTop1() == null ? null : served.shadowTop1()[image] == actual;
        List<VariantTally.Count> counts = served.counters() == null ? List.of()
                : VariantTally.feedback(served.counters(), correct, served.shadowVersion(), shadowCorrect);
        switch (store.recordFeedback(requestId, image, counts)) {
            case ALREADY_LABELLED -> throw new ServingException(ErrorKind.CONFLICT,
                    "image " + image + " of request " + requestId + " already has feedback");
            case UNKNOWN -> throw unknown(requestId);
            case COUNTED -> metrics.counted(served, correct);
        }
        return new Verdict(requestId, image, correct, labels.get(predicted), labels.get(actual));
    }

    private ServingException unknown(String requestId) {
        return ServingException.notFound("no prediction with request_id '" + requestId + "': unknown, or older than "
                + properties.ttl() + " (predictions wait that long for feedback)");
    }

    /** The classes of the version that served, or of the model's newest version once that one is gone. */
    private List<ModelManifest.Label> labels(PendingPrediction.ServedBy servedBy) {
        Optional<ModelStatus> model = repository.model(servedBy.model());
        return model.flatMap(m -> m.version(servedBy.version()).map(VersionStatus::model))
                .or(() -> model.flatMap(ModelStatus::newestReady))
                .map(ServedModel::manifest).map(ModelManifest::labels)
                .orElseThrow(() -> new ServingException(ErrorKind.NOT_FOUND, "model " + servedBy.model()
                        + ", which served this prediction, is no longer loaded"));
    }

    private static int resolve(String label, List<ModelManifest.Label> labels) {
        if (label == null || label.isBlank()) {
            throw ServingException.badRequest("feedback needs a 'label': a synset id, a class name or a class index");
        }
        String wanted = label.strip();
        for (ModelManifest.Label l : labels) {
            if (l.synset().equals(wanted) || l.name().toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))
                    || Integer.toString(l.index()).equals(wanted)) {
                return l.index();
            }
        }
        throw ServingException.badRequest("label '" + label + "' is none of the model's classes: "
                + labels.stream().map(l -> l.synset() + " (" + l.name() + ")").toList());
    }
}
