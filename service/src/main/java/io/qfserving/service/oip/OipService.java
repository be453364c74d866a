package io.qfserving.service.oip;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.inference.Inference;
import io.qfserving.service.inference.InferenceService;
import io.qfserving.service.inference.Origin;
import io.qfserving.service.inference.TopK;
import io.qfserving.service.inference.Transport;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.ModelRepository;
import io.qfserving.service.repository.ModelStatus;
import io.qfserving.service.repository.ServedModel;
import io.qfserving.service.repository.VersionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.stereotype.Service;

/**
 * The Open Inference Protocol v2 (KServe, Triton) over our repository, independent of transport:
 * server and model metadata and readiness, and inference on the model's {@code image} input
 * (FP32 [N, H, W, 3], preprocessed as the manifest says) with outputs {@code probs} and {@code logits}
 * (FP32 [N, classes]), and the classification extension: an output asked for with parameter
 * {@code classification: k} comes back as BYTES [N, k] of "score:index:label" (Triton's format).
 */
@Service
class OipService {

    static final String SERVER_NAME = "qf-serving";
    static final List<String> EXTENSIONS = List.of("classification", "binary_tensor_data");
    static final String INPUT = "image";
    static final String OUTPUT_PROBS = "probs";
    static final String OUTPUT_LOGITS = "logits";

    /** One input tensor as it arrived, its data already decoded from the transport's encoding. */
    record Input(String name, String datatype, long[] shape, float[] values) {}

    /** An output the client asked for; {@code classification} 0 means the plain tensor. */
    record RequestedOutput(String name, int classification, boolean binary) {}

    /** An output tensor: FP32 values or, for classification, BYTES strings. */
    record Output(String name, String datatype, long[] shape, float[] values, List<String> strings, boolean binary) {}

    record Response(ServedModel model, String id, List<Output> outputs) {}

    /** What a transport decoded from a request: inputs in request order and the outputs asked for (empty: all). */
    record Request(String id, List<Input> inputs, List<RequestedOutput> outputs, boolean binaryByDefault) {}

    private final ModelRepository repository;
    private final InferenceService inference;
    private final ApplicationAvailability availability;
    private final String serverVersion;

    OipService(ModelRepository repository, InferenceService inference, ApplicationAvailability availability) {
        this.repository = repository;
        this.inference = inference;
        this.availability = availability;
        String version = OipService.class.getPackage().getImplementationVersion();
        this.serverVersion = version == null ? "dev" : version;
    }

    String serverVersion() {
        return serverVersion;
    }

    /** Ready: accepting traffic, with a ready version of every model in the repository. */
    boolean serverReady() {
        List<ModelStatus> models = repository.models();
        return availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC && !models.isEmpty()
                && models.stream().allMatch(m -> m.newestReady().isPresent());
    }

    boolean modelReady(String model, String version) {
        return repository.model(model).orElseThrow(() -> unknownModel(model)).isReady(version);
    }

    /** A tensor as model metadata describes it; -1 is the batch dimension. */
    record TensorMetadata(String name, String datatype, List<Long> shape) {}

    /** The protocol's model metadata, for REST and gRPC alike. */
    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
            List<TensorMetadata> outputs) {}

    /** Metadata of the named version, or of the newest ready one (then listing every ready version). */
    ModelMetadata metadata(String model, String version) {
        ModelStatus status = repository.model(model).orElseThrow(() -> unknownModel(model));
        ServedModel served;
        List<String> versions;
        if (version == null || version.isEmpty()) {
            served = status.newestReady().orElseThrow(() -> ServingException.notFound("model '" + model + "' has no ready version"));
            versions = status.versions().stream().filter(v -> v.state() == VersionStatus.State.READY).map(VersionStatus::version).toList();
        } else {
            served = status.version(version).filter(v -> v.state() == VersionStatus.State.READY).map(VersionStatus::model)
                    .orElseThrow(() -> ServingException.notFound("model '" + model + "' has no ready version '" + version + "'"));
            versions = List.of(version);
        }
        ModelManifest.Preprocessing p = served.manifest().preprocessing();
        long classes = served.manifest().labels().size();
        return new ModelMetadata(model, versions, platform(served),
                List.of(new TensorMetadata(INPUT, OipTensors.FP32, List.of(-1L, (long) p.height(), (long) p.width(), 3L))),
                List.of(new TensorMetadata(OUTPUT_PROBS, OipTensors.FP32, List.of(-1L, classes)),
                        new TensorMetadata(OUTPUT_LOGITS, OipTensors.FP32, List.of(-1L, classes))));
    }

    private static String platform(ServedModel model) {
        return model.engine().equals("tensorflow") ? "tensorflow_savedmodel" : "onnxruntime_onnx";
    }

    Response infer(String model, String version, Request request, Instant deadline, Transport transport) {
        if (request.inputs().size() != 1) {
            throw ServingException.badRequest("expected exactly one input, 'image', got " + request.inputs().size());
        }
        Input input = request.inputs().getFirst();
        int rows = input.shape().length > 0 ? (int) Math.min(Integer.MAX_VALUE, input.shape()[0]) : 0;
        Inference result = inference.infer(new ModelRef(model, version == null || version.isEmpty() ? null : version),
                rows, deadline, Origin.direct(transport), served -> images(input, served.manifest()));
        List<RequestedOutput> wanted = request.outputs().isEmpty()
                ? List.of(new RequestedOutput(OUTPUT_PROBS, 0, request.binaryByDefault()),
                        new RequestedOutput(OUTPUT_LOGITS, 0, request.binaryByDefault()))
                : request.outputs();
        List<Output> outputs = new ArrayList<>();
        for (RequestedOutput output : wanted) {
            outputs.add(output(result, output));
        }
        return new Response(result.model(), request.id(), outputs);
    }

    /** Splits the {@code image} tensor into per-image rows after checking it against the model's input. */
    private static List<float[]> images(Input input, ModelManifest manifest) {
        ModelManifest.Preprocessing p = manifest.preprocessing();
        if (!INPUT.equals(input.name())) {
            throw ServingException.badRequest("unknown input '" + input.name() + "'; the model's input is '" + INPUT + "'");
        }
        if (!OipTensors.FP32.equals(input.datatype())) {
            throw ServingException.badRequest("input '" + INPUT + "' is FP32, got " + input.datatype());
        }
        long[] shape = input.shape();
        if (shape.length != 4 || shape[1] != p.height() || shape[2] != p.width() || shape[3] != 3) {
            throw ServingException.badRequest("input '" + INPUT + "' must have shape [N, " + p.height() + ", " + p.width()
                    + ", 3], got " + Arrays.toString(shape));
        }
        int expected = OipTensors.elements(shape, INPUT);
        if (input.values().length != expected) {
            throw ServingException.badRequest("input '" + INPUT + "' has shape " + Arrays.toString(shape) + " (" + expected
                    + " values) but carries " + input.values().length + " values");
        }
        float[] values = input.values();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw ServingException.badRequest("input '" + INPUT + "' holds " + values[i] + " at element " + i
                        + "; FP32 inputs must be finite");
            }
        }
        int size = p.height() * p.width() * 3;
        List<float[]> images = new ArrayList<>((int) shape[0]);
        for (int i = 0; i < shape[0]; i++) {
            images.add(Arrays.copyOfRange(input.values(), i * size, (i + 1) * size));
        }
        return images;
    }

    private static Output output(Inference result, RequestedOutput requested) {
        Function<ServedModel.ScoreRow, float[]> row = switch (requested.name()) {
            case OUTPUT_PROBS -> ServedModel.ScoreRow::probabilities;
            case OUTPUT_LOGITS -> ServedModel.ScoreRow::logits;
            default -> throw ServingException.badRequest("unknown output '" + requested.name() + "'; the model has '"
                    + OUTPUT_PROBS + "' and '" + OUTPUT_LOGITS + "'");
        };
        List<ModelManifest.Label> labels = result.model().manifest().labels();
        int n = result.rows().size();
        if (requested.classification() < 0) {
            throw ServingException.badRequest("parameter 'classification' of '" + requested.name() + "' must not be negative");
        }
        if (requested.classification() > 0) {
            int k = Math.min(requested.classification(), labels.size());
            List<String> strings = new ArrayList<>(n * k);
            for (ServedModel.ScoreRow r : result.rows()) {
                float[] values = row.apply(r);
                for (int i : TopK.indices(values, k)) {
                    strings.add(String.format(Locale.ROOT, "%f:%d:%s", values[i], i, labels.get(i).name()));
                }
            }
            return new Output(requested.name(), OipTensors.BYTES, new long[] {n, k}, null, strings, requested.binary());
        }
        float[] values = new float[n * labels.size()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(row.apply(result.rows().get(i)), 0, values, i * labels.size(), labels.size());
        }
        return new Output(requested.name(), OipTensors.FP32, new long[] {n, labels.size()}, values, null, requested.binary());
    }

    private static ServingException unknownModel(String model) {
        return ServingException.notFound("model '" + model + "' not found");
    }
}
