package io.qfserving.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceObserver;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.inference.Timing;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.RepositoryListener;
import io.qfserving.service.repository.ServedModel;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * The server's Prometheus metrics, all prefixed {@code qf_} and labelled by the model version that
 * served (model, version, variant, precision, engine), so versions and variants compare side by side.
 * Latencies and batch sizes are histograms (bucketed, aggregatable across replicas), not summaries.
 * A version's meters are registered once, when it loads or first meets a request origin, and
 * removed together when it retires, so a replaced version leaves no series behind.
 */
@Component
class ServingMetrics implements InferenceObserver, RepositoryListener {

    /** Buckets from half a millisecond (an int8 image) to ten seconds (a timed-out request). */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
    };
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};
    /** The labels of a request that failed before any version took it (unknown model, none ready). */
    private static final Tags NO_VERSION = Tags.of("model", "", "version", "", "variant", "", "precision", "", "engine", "");

    private final MeterRegistry registry;
    private final Map<ServedModel, VersionMeters> versions = new ConcurrentHashMap<>();

    ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void loaded(ServedModel model) {
        meters(model);
    }

    @Override
    public void retired(ServedModel model) {
        VersionMeters meters = versions.remove(model);
        if (meters != null) {
            meters.registered.forEach(registry::remove);
        }
    }

    @Override
    public void served(Inference inference, Origin origin) {
        VersionMeters meters = meters(inference.model());
        meters.served(origin).record(inference.timing());
        int images = inference.rows().size();
        meters.images.increment(images);
        meters.macs.increment((double) images * inference.model().manifest().macsPerImage());
    }

    @Override
    public void failed(ModelRef requested, ServedModel model, ErrorKind kind, Duration elapsed, Origin origin) {
        // A request no version took belongs to none, so its meters outlive every retirement.
        Outcome outcome = model == null ? outcome(NO_VERSION, origin, kind) : meters(model).failed(origin, kind);
        outcome.requests.increment();
        outcome.total.record(elapsed);
    }

    @Override
    public void batchRan(ServedModel model, int size) {
        meters(model).batchSize.record(size);
    }

    @Override
    public void failed(String model, String version, String reason) {
        Counter.builder(MetricNames.MODEL_LOAD_FAILURES).description("Model versions that failed to load or warm up")
                .tags("model", model, "version", version).register(registry).increment();
    }

    private VersionMeters meters(ServedModel model) {
        return versions.computeIfAbsent(model, VersionMeters::new);
    }

    /** A request outcome's counter and its total latency, for one version and origin. */
    private record Outcome(Counter requests, Timer total) {}

    /** The stage latencies and success counter of one version and origin. */
    private record Served(Outcome outcome, Timer queue, Timer preprocess, Timer inference) {

        void record(Timing timing) {
            outcome.requests.increment();
            queue.record(timing.queue());
            preprocess.record(timing.preprocess());
            inference.record(timing.inference());
            outcome.total.record(timing.total());
        }
    }

    private record OutcomeKey(Origin origin, ErrorKind kind) {}

    /** Every meter of one served version, with the list that removes them all at retirement. */
    private final class VersionMeters {

        final Tags tags;
        final Queue<Meter> registered = new ConcurrentLinkedQueue<>();
        final Counter images;
        final Counter macs;
        final DistributionSummary batchSize;
        final Map<Origin, Served> served = new ConcurrentHashMap<>();
        final Map<OutcomeKey, Outcome> failures = new ConcurrentHashMap<>();

        VersionMeters(ServedModel model) {
            this.tags = ModelTags.of(model);
            this.images = add(Counter.builder(MetricNames.IMAGES).description("Images classified").tags(tags).register(registry));
            this.macs = add(Counter.builder(MetricNames.MACS)
                    .description("Multiply-accumulates served: images times the model's MACs per image").tags(tags).register(registry));
            this.batchSize = add(DistributionSummary.builder(MetricNames.BATCH_SIZE)
                    .description("Images per engine call (dynamic batching)").tags(tags).serviceLevelObjectives(BATCH_BUCKETS)
                    .register(registry));
            ModelManifest manifest = model.manifest();
            gauge(MetricNames.QUEUE_DEPTH, "Images waiting in the version's batching queue", tags, model, ServedModel::queueDepth);
            gauge(MetricNames.MODEL_MACS_PER_IMAGE, "Multiply-accumulates per image, counted from the graph", tags, model,
                    m -> m.manifest().macsPerImage());
            gauge(MetricNames.MODEL_PARAMETERS, "Trainable parameters", tags, model, m -> m.manifest().parameters());
            gauge(MetricNames.MODEL_SIZE, "Size of the model files", tags, model, m -> m.manifest().fileSizeBytes());
            gauge(MetricNames.MODEL_WARMUP, "Warm-up time at load", tags, model, m -> m.warmup().toNanos() / 1e9);
            if (manifest.accuracy() != null) {
                gauge(MetricNames.MODEL_OFFLINE_TOP1, "Top-1 accuracy (0-1) measured offline, from the manifest",
                        tags.and("dataset", manifest.accuracy().dataset()), model, m -> m.manifest().accuracy().top1() / 100);
            }
        }

        Served served(Origin origin) {
            return served.computeIfAbsent(origin, o -> {
                Tags labels = tags.and(originTags(o));
                return new Served(add(outcome(tags, o, null)), add(latency(labels, "queue")), add(latency(labels, "preprocess")),
                        add(latency(labels, "inference")));
            });
        }

        Outcome failed(Origin origin, ErrorKind kind) {
            return failures.computeIfAbsent(new OutcomeKey(origin, kind), key -> add(outcome(tags, origin, kind)));
        }

        private Outcome add(Outcome outcome) {
            add(outcome.requests());
            add(outcome.total());
            return outcome;
        }

        private <M extends Meter> M add(M meter) {
            registered.add(meter);
            return meter;
        }

        private void gauge(String name, String description, Tags tags, ServedModel model, ToDoubleFunction<ServedModel> value) {
            add(Gauge.builder(name, model, value).description(description).tags(tags).register(registry));
        }
    }

    /** The request counter and total latency of an outcome: success ({@code kind} null) or an error kind. */
    private Outcome outcome(Tags version, Origin origin, ErrorKind kind) {
        Tags tags = version.and(originTags(origin));
        Counter requests = Counter.builder(MetricNames.REQUESTS).description("Inference requests by outcome (success or the error kind)")
                .tags(tags.and("outcome", kind == null ? "success" : kind.name().toLowerCase(Locale.ROOT))).register(registry);
        return new Outcome(requests, latency(tags, "total"));
    }

    private Timer latency(Tags tags, String stage) {
        return Timer.builder(MetricNames.REQUEST_DURATION).description("Request latency by stage: queue, preprocess, inference, total")
                .tags(tags.and("stage", stage)).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    private static Tags originTags(Origin origin) {
        return Tags.of("transport", origin.transport().label()).and(ModelTags.experiment(origin.experiment(), origin.experimentVariant()));
    }
}
