package io.qfserving.service.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.ModelRepository;
import io.qfserving.service.repository.ModelStatus;
import io.qfserving.service.repository.ServedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the server is ready, classifies a sample of {@code qf.evaluation.folder} with every model's
 * served version, through the same path requests take, and publishes the top-1 accuracy as
 * {@code qf_model_startup_top1} beside the manifest's offline number: a model that serves worse than
 * it measured offline shows at once. Runs in the background; readiness does not wait for it.
 */
@Component
class StartupEvaluation implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(StartupEvaluation.class);
    private static final long SAMPLE_SEED = 1;

    private final EvaluationProperties properties;
    private final ModelRepository repository;
    private final InferenceService inference;
    private MultiGauge startupTop1;

    StartupEvaluation(EvaluationProperties properties, ModelRepository repository, InferenceService inference) {
        this.properties = properties;
        this.repository = repository;
        this.inference = inference;
    }

    /** Bound before the server is ready, so before the evaluation publishes. */
    @Override
    public void bindTo(MeterRegistry registry) {
        startupTop1 = MultiGauge.builder(MetricNames.MODEL_STARTUP_TOP1)
                .description("Top-1 accuracy (0-1) measured through the serving path at start-up").register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (properties.folder() != null && !properties.folder().isBlank()) {
            Thread.ofPlatform().name("startup-evaluation").daemon().start(this::evaluateAll);
        }
    }

    private void evaluateAll() {
        Path folder = Path.of(properties.folder());
        try {
            ImageFolder sample = ImageFolder.scan(folder).sample(properties.imagesPerClass(), SAMPLE_SEED);
            String dataset = folder.getParent() == null ? folder.getFileName().toString()
                    : folder.getParent().getFileName() + "/" + folder.getFileName();
            List<MultiGauge.Row<?>> published = new ArrayList<>();
            for (ModelStatus model : repository.models()) {
                model.newestReady().ifPresent(served -> publish(published, served, dataset, top1(served, sample)));
            }
        } catch (RuntimeException e) {
            log.error("start-up evaluation on {} failed", folder, e);
        }
    }

    private double top1(ServedModel served, ImageFolder sample) {
        List<ModelManifest.Label> labels = served.manifest().labels();
        int chunk = inference.properties().maxImagesPerRequest();
        int correct = 0;
        for (int from = 0; from < sample.samples().size(); from += chunk) {
            List<ImageFolder.Sample> batch = sample.samples().subList(from, Math.min(from + chunk, sample.samples().size()));
            List<byte[]> images = new ArrayList<>(batch.size());
            for (ImageFolder.Sample s : batch) {
                images.add(read(s.path()));
            }
            Inference result = inference.classify(new ModelRef(served.name(), served.version()), images, inference.deadline(null),
                    Origin.direct(Transport.EVALUATION));
            List<Integer> top1 = result.top1();
            for (int i = 0; i < batch.size(); i++) {
                if (labels.get(top1.get(i)).synset().equals(sample.classes().get(batch.get(i).label()))) {
                    correct++;
                }
            }
        }
        return (double) correct / sample.samples().size();
    }

    /** Adds the model's row to those {@code published} so far: rows left out of a registration would be removed. */
    private void publish(List<MultiGauge.Row<?>> published, ServedModel served, String dataset, double top1) {
        log.info("start-up evaluation: {} v{} top-1 {} on {}", served.name(), served.version(), String.format("%.2f%%", 100 * top1),
                dataset);
        published.add(MultiGauge.Row.of(ModelTags.of(served).and("dataset", dataset), top1));
        startupTop1.register(published);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
