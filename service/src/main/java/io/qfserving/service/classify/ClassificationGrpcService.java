package io.qfserving.service.classify;

import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.proto.v1.ClassifyRequest;
import io.qfserving.proto.v1.ClassifyResponse;
import io.qfserving.proto.v1.FeedbackRequest;
import io.qfserving.proto.v1.FeedbackResponse;
import io.qfserving.proto.v1.Timing;
import io.qfserving.service.admission.StreamAdmission;
import io.qfserving.service.errors.GrpcErrors;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.feedback.FeedbackService;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.repository.ServedModel;
import io.qfserving.service.transport.GrpcCalls;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * {@code qfserving.v1.ClassificationService}: unary Classify and Feedback, and ClassifyStream, which classifies up
 * to {@link #STREAM_WINDOW} images of a stream at once (so they batch with each other) and answers
 * in request order; an image that fails gets an in-band error and the stream goes on.
 */
@Service
class ClassificationGrpcService extends ClassificationServiceGrpc.ClassificationServiceImplBase implements DisposableBean {

    /** Images of one stream in flight at once; the stream reads more as answers go out (flow control). */
    static final int STREAM_WINDOW = 16;

    private final ClassifyService classify;
    private final InferenceService inference;
    private final FeedbackService feedback;
    private final StreamAdmission streamAdmission;
    private final ExecutorService streamWorkers = Executors.newVirtualThreadPerTaskExecutor();

    ClassificationGrpcService(ClassifyService classify, InferenceService inference, FeedbackService feedback,
            StreamAdmission streamAdmission) {
        this.classify = classify;
        this.inference = inference;
        this.feedback = feedback;
        this.streamAdmission = streamAdmission;
    }

    @Override
    public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> responses) {
        responses.onNext(classifyOne(request, GrpcCalls.deadline()));
        responses.onCompleted();
    }

    private ClassifyResponse classifyOne(ClassifyRequest request, Deadline deadline) {
        ClassifyService.Result result = classify.classify(new ClassifyService.Call(request.getModel(), request.getVersion(),
                List.of(request.getImage().toByteArray()), request.getTopK() == 0 ? null : request.getTopK(),
                inference.deadline(GrpcCalls.timeLeft(deadline)), Transport.GRPC, request.getClientId(), request.getPinVariant()));
        ServedModel model = result.inference().model();
        var timing = result.inference().timing();
        ClassifyResponse.Builder response = ClassifyResponse.newBuilder()
                .setRequestId(result.requestId())
                .setModel(model.name())
                .setVersion(model.version())
                .setVariant(model.manifest().variant())
                .setPrecision(model.manifest().precision())
                .setEngine(model.engine())
                .setTiming(Timing.newBuilder()
                        .setQueueMs(io.qfserving.service.inference.Timing.millis(timing.queue()))
                        .setPreprocessMs(io.qfserving.service.inference.Timing.millis(timing.preprocess()))
                        .setInferenceMs(io.qfserving.service.inference.Timing.millis(timing.inference()))
                        .setTotalMs(io.qfserving.service.inference.Timing.millis(timing.total())));
        if (result.route() != null) {
            response.setExperiment(result.route().experiment()).setExperimentVariant(result.route().variant());
        }
        for (Prediction p : result.predictions().getFirst()) {
            response.addPredictions(io.qfserving.proto.v1.Prediction.newBuilder()
                    .setLabel(p.label()).setSynset(p.synset()).setIndex(p.index()).setScore(p.score()));
        }
        return response.build();
    }

    @Override
    public void feedback(FeedbackRequest request, StreamObserver<FeedbackResponse> responses) {
        FeedbackService.Verdict verdict = feedback.record(request.getRequestId(), request.getLabel(), request.getImage());
        responses.onNext(FeedbackResponse.newBuilder()
                .setCorrect(verdict.correct())
                .setPredicted(io.qfserving.proto.v1.Prediction.newBuilder().setLabel(verdict.predicted().name())
                        .setSynset(verdict.predicted().synset()).setIndex(verdict.predicted().index()))
                .setActualLabel(verdict.actual().name())
                .setActualSynset(verdict.actual().synset())
                .build());
        responses.onCompleted();
    }

    @Override
    public StreamObserver<ClassifyRequest> classifyStream(StreamObserver<ClassifyResponse> responses) {
        ServerCallStreamObserver<ClassifyResponse> call = (ServerCallStreamObserver<ClassifyResponse>) responses;
        call.disableAutoRequest();
        call.request(STREAM_WINDOW);
        Deadline streamDeadline = GrpcCalls.deadline();
        return new StreamObserver<>() {
            /** Completes once every earlier answer has been sent: answers go out in request order. */
            private CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);

            @Override
            public void onNext(ClassifyRequest request) {
                CompletableFuture<ClassifyResponse> answer = CompletableFuture.supplyAsync(() -> answer(request), streamWorkers);
                sent = sent.thenCombine(answer, (previous, response) -> {
                    if (!call.isCancelled()) {
                        call.onNext(response);
                        call.request(1);
                    }
                    return null;
                });
            }

            private ClassifyResponse answer(ClassifyRequest request) {
                try {
                    return streamAdmission.admit(() -> classifyOne(request, streamDeadline));
                } catch (RuntimeException e) {
                    var status = GrpcErrors.status(ServingException.from(e));
                    return ClassifyResponse.newBuilder().setError(com.google.rpc.Status.newBuilder()
                            .setCode(status.getCode().value())
                            .setMessage(status.getDescription() == null ? "" : status.getDescription())).build();
                }
            }

            @Override
            public void onError(Throwable cancelled) {
                // The client went away; answers still in flight are dropped by the isCancelled check.
            }

            @Override
            public void onCompleted() {
                sent.whenComplete((done, failure) -> {
                    if (!call.isCancelled()) {
                        call.onCompleted();
                    }
                });
            }
        };
    }

    @Override
    public void destroy() {
        streamWorkers.close();
    }
}
