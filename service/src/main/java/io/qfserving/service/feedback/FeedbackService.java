package io.qfserving.service.feedback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qfserving.models.export.ModelManifest;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.experiment.ExperimentStats;
import io.qfserving.service.metrics.ModelTags;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * Ground truth for served predictions, from HTTP ({@code POST /v1/feedback}) or gRPC: counted as
 * correct or incorrect per model version and experiment variant ({@code qf_feedback_total}), which
 * gives the online accuracy that the dashboard and the experiment report show.
 */
@Service
public class FeedbackService {

    /** What the feedback said about a prediction. */
    public record Verdict(String requestId, int image, boolean correct, ModelManifest.Label predicted, ModelManifest.Label actual) {}

    private final PredictionCache cache;
    private final ExperimentStats stats;
    private final FeedbackProperties properties;
    private final MeterRegistry registry;

    FeedbackService(PredictionCache cache, ExperimentStats stats, FeedbackProperties properties, MeterRegistry registry) {
        this.cache = cache;
        this.stats = stats;
        this.properties = properties;
        this.registry = registry;
    }

    /**
     * @param label the true class: a synset id, a label name, or a class index
     * @param image which image of the request (0 for a single-image request)
     */
    public Verdict record(String requestId, String label, int image) {
        if (requestId == null || requestId.isBlank()) {
            throw ServingException.badRequest("feedback needs the 'request_id' of the classification it is about");
        }
        PredictionCache.Served served = cache.get(requestId).orElseThrow(() -> ServingException.notFound(
                "no prediction with request_id '" + requestId + "': unknown, or older than " + properties.ttl()
                        + " (predictions wait that long for feedback, at most " + properties.maxPredictions() + " of them)"));
        if (image < 0 || image >= served.top1().length) {
            throw ServingException.badRequest("request " + requestId + " classified " + served.top1().length
                    + " image(s); there is no image " + image);
        }
        List<ModelManifest.Label> labels = served.model().manifest().labels();
        int actual = resolve(label, labels);
        if (!served.label(image)) {
            throw new ServingException(ErrorKind.CONFLICT, "image " + image + " of request " + requestId + " already has feedback");
        }
        int predicted = served.top1()[image];
        boolean correct = predicted == actual;
        Counter right = counter(served, "correct");
        Counter wrong = counter(served, "incorrect");
        // Both outcomes exist once feedback comes, so an accuracy ratio never lacks its denominator's other half.
        (correct ? right : wrong).increment();
        if (!served.origin().experiment().isEmpty()) {
            stats.feedback(served.origin().experiment(), served.origin().experimentVariant(), correct);
        }
        return new Verdict(requestId, image, correct, labels.get(predicted), labels.get(actual));
    }

    private Counter counter(PredictionCache.Served served, String outcome) {
        return Counter.builder("qf.feedback").description("Feedback on served predictions: was the top-1 class right?")
                .tags(ModelTags.of(served.model())).tags(ModelTags.experiment(served.origin().experiment(), served.origin().experimentVariant()))
                .tag("outcome", outcome)
                .register(registry);
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
