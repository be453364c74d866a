package io.qfserving.service.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qfserving.service.inference.Timing;
import java.util.List;

/**
 * The JSON answer of {@code :classify}: one image sent as the body gets {@code predictions}; a
 * multipart upload gets {@code results}, one per file in upload order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ClassifyResponse(
        String requestId,
        String model,
        String version,
        String variant,
        String precision,
        String engine,
        List<Prediction> predictions,
        List<FileResult> results,
        @JsonProperty("timing_ms") TimingMillis timing,
        Experiment experiment) {

    /** The experiment that routed the request: its name, the variant drawn, and how. */
    record Experiment(String name, String variant, String assignment) {}

    record FileResult(String file, List<Prediction> predictions) {}

    /** Milliseconds per stage (see {@link Timing}). */
    record TimingMillis(double queue, double preprocess, double inference, double total) {

        static TimingMillis of(Timing t) {
            return new TimingMillis(Timing.millis(t.queue()), Timing.millis(t.preprocess()), Timing.millis(t.inference()),
                    Timing.millis(t.total()));
        }
    }

    static ClassifyResponse of(ClassifyService.Result result, List<Prediction> predictions, List<FileResult> results) {
        var model = result.inference().model();
        var route = result.route();
        return new ClassifyResponse(result.requestId(), model.name(), model.version(), model.manifest().variant(),
                model.manifest().precision(), model.engine(), predictions, results,
                TimingMillis.of(result.inference().timing()), route == null ? null
                        : new Experiment(route.experiment(), route.variant(),
                                route.assignment().name().toLowerCase(java.util.Locale.ROOT)));
    }
}
