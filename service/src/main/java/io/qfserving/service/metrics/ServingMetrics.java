package io.qfserving.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.qfserving.models.export.ModelManifest;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceObserver;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.repository.RepositoryListener;
import io.qfserving.service.repository.ServedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * The server's Prometheus metrics, all prefixed {@code qf_} and labelled by the model version that
 * served (model, version, variant, precision, engine), so versions and variants compare side by side.
 * Latencies and batch sizes are histograms (bucketed, aggregatable across replicas), not summaries.
 */
@Component
class ServingMetrics implements InferenceObserver, RepositoryListener {

    static final String REQUESTS = "qf.requests";
    static final String LATENCY = "qf.request.duration";
    static final String IMAGES = "qf.images";
    static final String MACS = "qf.macs";
    static final String BATCH_SIZE = "qf.batch.size";

    /** Buckets from half a millisecond (an int8 image) to ten seconds (a timed-out request). */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
    };
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};

    private final MeterRegistry registry;
    private final Map<ServedModel, List<Meter>> perVersion = new ConcurrentHashMap<>();

    ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }


    private static Tags originTags(Origin origin) {
        return Tags.of("transport", origin.transport().label()).and(ModelTags.experiment(origin.experiment(), origin.experimentVariant()));
    }

    @Override
    public void served(Inference inference, Origin origin) {
        ServedModel model = inference.model();
        Tags tags = ModelTags.of(model).and(originTags(origin));
        count(tags.and("outcome", "success"));
        latency(tags, "queue", inference.timing().queue());
        latency(tags, "preprocess", inference.timing().preprocess());
        latency(tags, "inference", inference.timing().inference());
        latency(tags, "total", inference.timing().total());
        int images = inference.rows().size();
        Counter.builder(IMAGES).description("Images classified").tags(ModelTags.of(model)).register(registry).increment(images);
        Counter.builder(MACS).description("Multiply-accumulates served: images times the model's MACs per image")
                .tags(ModelTags.of(model)).register(registry).increment((double) images * model.manifest().macsPerImage());
    }

    @Override
    public void failed(ModelRef requested, ServedModel model, ErrorKind kind, Duration elapsed, Origin origin) {
        Tags tags = (model != null ? ModelTags.of(model)
                : Tags.of("model", "", "version", "", "variant", "", "precision", "", "engine", ""))
                .and(originTags(origin));
        count(tags.and("outcome", kind.name().toLowerCase(Locale.ROOT)));
        latency(tags, "total", elapsed);
    }

    private void count(Tags tags) {
        Counter.builder(REQUESTS).description("Inference requests by outcome (success or the error kind)")
                .tags(tags).register(registry).increment();
    }

    private void latency(Tags tags, String stage, Duration duration) {
        Timer.builder(LATENCY).description("Request latency by stage: queue, preprocess, inference, total")
                .tags(tags.and("stage", stage)).serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(duration);
    }

    @Override
    public void batchRan(ServedModel model, int size) {
        DistributionSummary.builder(BATCH_SIZE).description("Images per engine call (dynamic batching)")
                .tags(ModelTags.of(model)).serviceLevelObjectives(BATCH_BUCKETS).register(registry).record(size);
    }

    @Override
    public void loaded(ServedModel model) {
        Tags tags = ModelTags.of(model);
        ModelManifest manifest = model.manifest();
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge("qf.queue.depth", "Images waiting in the version's batching queue", tags, model, ServedModel::queueDepth));
        meters.add(gauge("qf.model.macs.per.image", "Multiply-accumulates per image, counted from the graph", tags, model,
                m -> m.manifest().macsPerImage()));
        meters.add(gauge("qf.model.parameters", "Trainable parameters", tags, model, m -> m.manifest().parameters()));
        meters.add(gauge("qf.model.size.bytes", "Size of the model files", tags, model, m -> m.manifest().fileSizeBytes()));
        meters.add(gauge("qf.model.warmup.seconds", "Warm-up time at load", tags, model, m -> m.warmup().toNanos() / 1e9));
        if (manifest.accuracy() != null) {
            meters.add(gauge("qf.model.offline.top1", "Top-1 accuracy (0-1) measured offline, from the manifest",
                    tags.and("dataset", manifest.accuracy().dataset()), model, m -> m.manifest().accuracy().top1() / 100));
        }
        perVersion.put(model, meters);
    }

    private Meter gauge(String name, String description, Tags tags, ServedModel model, ToDoubleFunction<ServedModel> value) {
        return Gauge.builder(name, model, value).description(description).tags(tags).register(registry);
    }

    @Override
    public void retired(ServedModel model) {
        List<Meter> meters = perVersion.remove(model);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    @Override
    public void failed(String model, String version, String reason) {
        Counter.builder("qf.model.load.failures").description("Model versions that failed to load or warm up")
                .tags("model", model, "version", version).register(registry).increment();
    }
}
