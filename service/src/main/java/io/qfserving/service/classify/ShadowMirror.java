package io.qfserving.service.classify;

import io.qfserving.service.classify.ShadowMetrics.Drop;
import io.qfserving.service.experiment.CounterKey;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.Route;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.inference.Transport;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Shadow traffic: after the primary answer has been computed, the same images run on the shadow
 * model in the background and the two top-1 answers are compared ({@code qf_shadow_comparisons_total},
 * the drift between, say, a float model and its int8 twin). The work is bounded: when the shadow
 * queue is full, or when the server is busy with primary requests as the copy's turn comes, the copy
 * is dropped and counted ({@code qf_shadow_dropped_total}); a shadow failure is counted too, and none
 * of it ever reaches the client.
 */
@Component
class ShadowMirror implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ShadowMirror.class);

    private final InferenceService inference;
    private final ExperimentStore store;
    private final ShadowMetrics metrics;
    private final ThreadPoolExecutor workers;
    private final int maxPrimaryInFlight;

    ShadowMirror(InferenceService inference, ExperimentStore store, ShadowMetrics metrics, ShadowProperties properties) {
        this.inference = inference;
        this.store = store;
        this.metrics = metrics;
        this.maxPrimaryInFlight = properties.maxPrimaryInFlight();
        this.workers = new ThreadPoolExecutor(properties.threads(), properties.threads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(properties.queueCapacity()),
                Thread.ofPlatform().name("shadow-", 0).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues the shadow copy of a routed request, or drops it when the shadow budget is spent. */
    void mirror(String requestId, Route route, List<byte[]> images, Inference primary) {
        try {
            workers.execute(() -> compare(requestId, route, images, primary));
        } catch (RejectedExecutionException busy) {
            metrics.dropped(route, Drop.BUSY).increment();
            return;
        }
        // Both reasons exist from the first mirrored request on, so a dashboard shows 0 rather than no data.
        metrics.dropped(route, Drop.BUSY);
        metrics.dropped(route, Drop.FAILED);
    }

    private void compare(String requestId, Route route, List<byte[]> images, Inference primary) {
        if (inference.primaryInFlight() > maxPrimaryInFlight) {
            metrics.dropped(route, Drop.BUSY).increment();
            return;
        }
        Inference shadow;
        try {
            shadow = inference.classifyAgain(route.shadow(), images, primary, inference.deadline(null),
                    new Origin(Transport.SHADOW, route.experiment(), route.variant()));
        } catch (RuntimeException e) {
            log.debug("shadow request to {} failed", route.shadow(), e);
            metrics.dropped(route, Drop.FAILED).increment();
            return;
        }
        List<Integer> primaryTop1 = primary.top1();
        List<Integer> shadowTop1 = shadow.top1();
        // Kept with the prediction so that its feedback also tells whether the shadow was right (a paired outcome).
        store.shadowAnswered(requestId, shadow.model().version(), shadowTop1.stream().mapToInt(Integer::intValue).toArray());
        CounterKey pair = route.counters(primary.model().version()).shadowedBy(shadow.model().version());
        for (int i = 0; i < primaryTop1.size(); i++) {
            boolean agreed = primaryTop1.get(i).equals(shadowTop1.get(i));
            store.shadowCompared(pair, agreed);
            metrics.compared(route.experiment(), primary.model(), shadow.model(), agreed);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
