package io.qfserving.service.oip;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.qfserving.proto.inference.GRPCInferenceServiceGrpc;
import io.qfserving.proto.inference.InferParameter;
import io.qfserving.proto.inference.ModelInferRequest;
import io.qfserving.proto.inference.ModelInferResponse;
import io.qfserving.proto.inference.ModelMetadataRequest;
import io.qfserving.proto.inference.ModelMetadataResponse;
import io.qfserving.proto.inference.ModelReadyRequest;
import io.qfserving.proto.inference.ModelReadyResponse;
import io.qfserving.proto.inference.ServerLiveRequest;
import io.qfserving.proto.inference.ServerLiveResponse;
import io.qfserving.proto.inference.ServerMetadataRequest;
import io.qfserving.proto.inference.ServerMetadataResponse;
import io.qfserving.proto.inference.ServerReadyRequest;
import io.qfserving.proto.inference.ServerReadyResponse;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.transport.GrpcCalls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * {@code inference.GRPCInferenceService}, wire-compatible with Triton and KServe clients. Inputs come
 * as typed {@code fp32_contents} or as {@code raw_input_contents}; outputs always go back as
 * {@code raw_output_contents}, as Triton sends them.
 */
@Service
class OipGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private final OipService oip;
    private final InferenceService inference;

    OipGrpcService(OipService oip, InferenceService inference) {
        this.oip = oip;
        this.inference = inference;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        reply(responses, ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        reply(responses, ServerReadyResponse.newBuilder().setReady(oip.serverReady()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        reply(responses, ModelReadyResponse.newBuilder().setReady(oip.modelReady(request.getName(), request.getVersion())).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        reply(responses, ServerMetadataResponse.newBuilder().setName(OipService.SERVER_NAME).setVersion(oip.serverVersion())
                .addAllExtensions(OipService.EXTENSIONS).build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        OipService.ModelMetadata metadata = oip.metadata(request.getName(), request.getVersion());
        reply(responses, ModelMetadataResponse.newBuilder()
                .setName(metadata.name())
                .addAllVersions(metadata.versions())
                .setPlatform(metadata.platform())
                .addAllInputs(metadata.inputs().stream().map(OipGrpcService::tensor).toList())
                .addAllOutputs(metadata.outputs().stream().map(OipGrpcService::tensor).toList())
                .build());
    }

    private static ModelMetadataResponse.TensorMetadata tensor(OipService.TensorMetadata tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(tensor.name()).setDatatype(tensor.datatype()).addAllShape(tensor.shape()).build();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        OipService.Response response = oip.infer(request.getModelName(), request.getModelVersion(), decode(request),
                inference.deadline(GrpcCalls.timeLeft(GrpcCalls.deadline())), Transport.GRPC);
        ModelInferResponse.Builder reply = ModelInferResponse.newBuilder()
                .setModelName(response.model().name())
                .setModelVersion(response.model().version())
                .setId(request.getId());
        for (OipService.Output out : response.outputs()) {
            reply.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(out.name()).setDatatype(out.datatype()).addAllShape(Arrays.stream(out.shape()).boxed().toList()));
            reply.addRawOutputContents(ByteString.copyFrom(out.values() != null
                    ? OipTensors.fp32(out.values()) : OipTensors.bytes(out.strings())));
        }
        reply(responses, reply.build());
    }

    private static OipService.Request decode(ModelInferRequest request) {
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            throw ServingException.badRequest(request.getInputsCount() + " inputs but " + request.getRawInputContentsCount()
                    + " raw_input_contents");
        }
        List<OipService.Input> inputs = new ArrayList<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor in = request.getInputs(i);
            if (!OipTensors.FP32.equals(in.getDatatype())) {
                throw ServingException.badRequest("input '" + in.getName() + "' is " + in.getDatatype() + "; only FP32 is accepted");
            }
            float[] values;
            if (raw) {
                byte[] bytes = request.getRawInputContents(i).toByteArray();
                values = OipTensors.fp32(bytes, 0, bytes.length, in.getName());
            } else {
                values = new float[in.getContents().getFp32ContentsCount()];
                for (int v = 0; v < values.length; v++) {
                    values[v] = in.getContents().getFp32Contents(v);
                }
            }
            long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
            inputs.add(new OipService.Input(in.getName(), in.getDatatype(), shape, values));
        }
        List<OipService.RequestedOutput> outputs = new ArrayList<>();
        for (ModelInferRequest.InferRequestedOutputTensor out : request.getOutputsList()) {
            outputs.add(new OipService.RequestedOutput(out.getName(), classification(out.getParametersMap(), out.getName()), true));
        }
        return new OipService.Request(request.getId(), inputs, outputs, true);
    }

    private static int classification(Map<String, InferParameter> parameters, String output) {
        InferParameter k = parameters.get("classification");
        if (k == null) {
            return 0;
        }
        if (k.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM) {
            throw ServingException.badRequest("parameter 'classification' of '" + output + "' must be an int64_param");
        }
        if (k.getInt64Param() < 0 || k.getInt64Param() > Integer.MAX_VALUE) {
            throw ServingException.badRequest("parameter 'classification' of '" + output + "' must be from 0 to "
                    + Integer.MAX_VALUE + ", got " + k.getInt64Param());
        }
        return (int) k.getInt64Param();
    }

    private static <T> void reply(StreamObserver<T> responses, T response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
