package io.qfserving.service.admission;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.qfserving.proto.inference.GRPCInferenceServiceGrpc;
import io.qfserving.proto.v1.ClassificationServiceGrpc;
import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.GrpcErrors;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Admission of unary gRPC classify and infer calls by the limit HTTP calls take theirs from
 * ({@link Admission}): at the limit a call is refused RESOURCE_EXHAUSTED (with a retry pushback)
 * when its headers arrive; otherwise it takes its permit once its request message has arrived,
 * which the transport receives without holding a thread, and returns it when the call closes.
 * Streaming calls are refused at the limit when they open; each of their messages then takes a
 * permit of its own ({@link StreamAdmission}).
 */
class AdmissionInterceptor implements ServerInterceptor {

    private static final Set<String> UNARY = Set.of(ClassificationServiceGrpc.getClassifyMethod().getFullMethodName(),
            GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName());
    private static final Set<String> STREAMING = Set.of(ClassificationServiceGrpc.getClassifyStreamMethod().getFullMethodName());

    private static final Status REFUSED = GrpcErrors.status(ErrorKind.OVERLOADED, Admission.REFUSAL);

    private final Admission admission;

    AdmissionInterceptor(Admission admission) {
        this.admission = admission;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        boolean unary = UNARY.contains(method);
        if (!admission.enabled() || !(unary || STREAMING.contains(method))) {
            return next.startCall(call, headers);
        }
        if (admission.refuseEarly()) {
            refuse(call);
            return new ServerCall.Listener<>() {};
        }
        if (!unary) {
            return next.startCall(call, headers);
        }
        AdmittedCall<Q, R> admitted = new AdmittedCall<>(call);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(admitted, headers)) {
            @Override
            public void onHalfClose() {
                Optional<Admission.Permit> permit = admission.tryAcquire();
                if (permit.isEmpty()) {
                    refuse(call);
                    return;
                }
                admitted.hold(permit.get());
                try {
                    super.onHalfClose();
                } catch (RuntimeException failure) {
                    // Turned into a status by an interceptor outside this one, past AdmittedCall.close.
                    admitted.release(Admission.Outcome.OTHER);
                    throw failure;
                }
            }

            @Override
            public void onComplete() {
                admitted.release(Admission.Outcome.OTHER);
                super.onComplete();
            }

            @Override
            public void onCancel() {
                admitted.release(Admission.Outcome.OTHER);
                super.onCancel();
            }
        };
    }

    private static void refuse(ServerCall<?, ?> call) {
        call.close(REFUSED, GrpcErrors.trailers(ErrorKind.OVERLOADED));
    }

    /** Returns the call's permit when it closes, with what its status says about capacity. */
    private static final class AdmittedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        private final AtomicReference<Admission.Permit> permit = new AtomicReference<>();

        AdmittedCall(ServerCall<Q, R> call) {
            super(call);
        }

        void hold(Admission.Permit held) {
            permit.set(held);
        }

        void release(Admission.Outcome outcome) {
            Admission.Permit held = permit.getAndSet(null);
            if (held != null) {
                held.release(outcome);
            }
        }

        @Override
        public void close(Status status, Metadata trailers) {
            release(Admission.Outcome.ofGrpc(status.getCode()));
            super.close(status, trailers);
        }
    }
}
