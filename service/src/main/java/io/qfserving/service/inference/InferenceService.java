package io.qfserving.service.inference;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.batching.BatchingExecutor;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.repository.ModelLease;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.ModelRepository;
import io.qfserving.service.repository.ServedModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.springframework.stereotype.Service;

/**
 * The one inference path every front end shares (HTTP and gRPC, our API and the Open Inference
 * Protocol): hold the model version, turn the request's inputs into model tensors, queue them on the
 * version's batcher, wait within the deadline, and record what happened.
 */
@Service
public class InferenceService {

    private final ModelRepository repository;
    private final Preprocessor preprocessor;
    private final InferenceProperties properties;
    private final InferenceObserver observer;
    private final Clock clock;
    /** Requests in progress, other than shadow copies: how busy the server is right now. */
    private final AtomicInteger primaryInFlight = new AtomicInteger();

    InferenceService(ModelRepository repository, Preprocessor preprocessor, InferenceProperties properties,
            InferenceObserver observer, Clock clock) {
        this.repository = repository;
        this.preprocessor = preprocessor;
        this.properties = properties;
        this.observer = observer;
        this.clock = clock;
    }

    public InferenceProperties properties() {
        return properties;
    }

    /** Requests being served right now, shadow copies not counted. */
    public int primaryInFlight() {
        return primaryInFlight.get();
    }

    /** The deadline of a request: the client's, capped by the server's timeout. */
    public Instant deadline(Duration clientTimeout) {
        Duration timeout = clientTimeout == null || clientTimeout.compareTo(properties.timeout()) > 0
                ? properties.timeout() : clientTimeout;
        return clock.instant().plus(timeout);
    }

    /** Encoded JPEG or PNG images, preprocessed as the model's manifest says. */
    public Inference classify(ModelRef ref, List<byte[]> images, Instant deadline, Origin origin) {
        checkCount(images.size());
        return run(ref, deadline, origin, model -> preprocess(images, model));
    }

    /**
     * The images of an earlier inference again, on another model (a shadow): its decoded tensors are
     * reused when both models preprocess alike, so the copy costs inference only.
     */
    public Inference classifyAgain(ModelRef ref, List<byte[]> images, Inference earlier, Instant deadline, Origin origin) {
        ModelManifest.Preprocessing decodedWith = earlier.model().manifest().preprocessing();
        return run(ref, deadline, origin, model -> model.manifest().preprocessing().equals(decodedWith)
                ? earlier.inputs() : preprocess(images, model));
    }

    private List<float[]> preprocess(List<byte[]> images, ServedModel model) {
        return images.stream().map(image -> preprocessor.apply(image, model.manifest().preprocessing())).toList();
    }

    /**
     * Inputs the caller builds once the version is known (e.g. tensors checked against its input
     * shape); {@code inputs} throws a ServingException for inputs that do not fit.
     */
    public Inference infer(ModelRef ref, int count, Instant deadline, Origin origin,
            Function<ServedModel, List<float[]>> inputs) {
        checkCount(count);
        return run(ref, deadline, origin, inputs);
    }

    private void checkCount(int count) {
        if (count < 1) {
            throw ServingException.badRequest("the request carries no image");
        }
        if (count > properties.maxImagesPerRequest()) {
            throw ServingException.badRequest("the request carries " + count + " images; the limit is "
                    + properties.maxImagesPerRequest());
        }
    }

    private Inference run(ModelRef ref, Instant deadline, Origin origin, Function<ServedModel, List<float[]>> inputs) {
        boolean primary = origin.transport() != Transport.SHADOW;
        if (primary) {
            primaryInFlight.incrementAndGet();
        }
        try {
            return serve(ref, deadline, origin, inputs);
        } finally {
            if (primary) {
                primaryInFlight.decrementAndGet();
            }
        }
    }

    private Inference serve(ModelRef ref, Instant deadline, Origin origin, Function<ServedModel, List<float[]>> inputs) {
        long start = System.nanoTime();
        ServedModel model = null;
        try (ModelLease lease = repository.acquire(ref.model(), ref.version())) {
            model = lease.model();
            List<float[]> tensors = inputs.apply(model);
            Duration preprocess = Duration.ofNanos(System.nanoTime() - start);
            List<BatchingExecutor.Outcome<ServedModel.ScoreRow>> outcomes = await(model.submit(tensors, deadline), deadline);
            Duration queue = Duration.ZERO;
            Duration inference = Duration.ZERO;
            List<ServedModel.ScoreRow> rows = new ArrayList<>(outcomes.size());
            for (BatchingExecutor.Outcome<ServedModel.ScoreRow> outcome : outcomes) {
                rows.add(outcome.output());
                queue = max(queue, outcome.queued());
                inference = max(inference, outcome.ran());
            }
            Inference result = new Inference(model, tensors, rows, new Timing(queue, preprocess, inference,
                    Duration.ofNanos(System.nanoTime() - start)));
            observer.served(result, origin);
            return result;
        } catch (RuntimeException e) {
            ServingException failure = ServingException.from(e);
            observer.failed(ref, model, failure.kind(), Duration.ofNanos(System.nanoTime() - start), origin);
            throw failure;
        }
    }

    private List<BatchingExecutor.Outcome<ServedModel.ScoreRow>> await(
            List<CompletableFuture<BatchingExecutor.Outcome<ServedModel.ScoreRow>>> futures, Instant deadline) {
        try {
            long nanos = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(nanos, TimeUnit.NANOSECONDS);
            return futures.stream().map(CompletableFuture::join).toList();
        } catch (TimeoutException e) {
            throw new ServingException(ErrorKind.DEADLINE_EXCEEDED, "the request's deadline passed before its result was ready");
        } catch (ExecutionException e) {
            throw ServingException.from(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServingException(ErrorKind.UNAVAILABLE, "interrupted while waiting for the model", e);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
