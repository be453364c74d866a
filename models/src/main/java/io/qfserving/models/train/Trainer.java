package io.qfserving.models.train;

import io.qfserving.models.data.DecodedImageCache;
import io.qfserving.models.eval.Evaluation;
import io.qfserving.models.tf.TensorValue;
import io.qfserving.runtime.data.ImageFolder;
import io.qfserving.runtime.preprocess.ImagePreprocessor;
import io.qfserving.runtime.preprocess.Normalization;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains one model: decodes the training set once, then per epoch shuffles (seeded by seed and
 * epoch, so a resumed run sees the same batches), augments in-graph, steps Adam on a warm-up +
 * cosine schedule, validates with moving BatchNorm statistics, and checkpoints {@code last/} and,
 * when validation top-1 improves, {@code best/}.
 */
public final class Trainer {

    public static final String STATE_FILE = "training-state.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EVAL_BATCH = 64;

    private final TrainConfig config;
    private final PrintStream out;

    public Trainer(TrainConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Runs (or resumes) training and returns the final state; the best checkpoint is {@code runDir/best/ckpt}. */
    public TrainingState run(boolean resume) {
        ImageFolder train = ImageFolder.scan(config.trainDir());
        ImageFolder val = ImageFolder.scan(config.valDir());
        if (!train.classes().equals(val.classes()) || train.classes().size() != config.spec().classes()) {
            throw new IllegalArgumentException("train and val must have the same " + config.spec().classes() + " classes");
        }
        TrainingState state = resume ? readState() : null;
        if (state != null && !state.config().spec().equals(config.spec())) {
            throw new IllegalArgumentException("checkpoint in " + config.runDir() + " is for " + state.config().spec());
        }
        DecodedImageCache images = decode(train);
        List<float[]> valInputs = preprocess(val);
        int[] valLabels = val.samples().stream().mapToInt(ImageFolder.Sample::label).toArray();

        int stepsPerEpoch = images.count() / config.batchSize();
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException("batch size " + config.batchSize() + " exceeds the training set");
        }
        long totalSteps = (long) config.epochs() * stepsPerEpoch;
        LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(),
                Math.min(Math.round(config.warmupEpochs() * stepsPerEpoch), totalSteps - 1), totalSteps);

        try (Graph graph = new Graph()) {
            TrainingGraph model = new TrainingGraph(graph, config, Normalization.MINUS_ONE_TO_ONE);
            try (Session session = new Session(graph, sessionConfig(config.threads()))) {
                session.initialize();
                if (state != null) {
                    session.restore(checkpoint("last").toString());
                    out.printf("resumed after epoch %d (step %d, best val top-1 %.2f%%)%n",
                            state.epochsDone(), state.step(), state.bestTop1());
                } else {
                    state = new TrainingState(config, 0, 0, -1, -1, 0, List.of());
                }
                for (int epoch = state.epochsDone() + 1; epoch <= config.epochs(); epoch++) {
                    state = runEpoch(session, model, images, schedule, state, epoch, stepsPerEpoch, valInputs, valLabels, val);
                }
            }
        }
        return state;
    }

    private TrainingState runEpoch(Session session, TrainingGraph model, DecodedImageCache images,
            LearningRateSchedule schedule, TrainingState state, int epoch, int steps,
            List<float[]> valInputs, int[] valLabels, ImageFolder val) {
        Random random = new Random(config.seed() * 1_000_003L + epoch);
        CropSampler crops = CropSampler.withMinArea(config.minCropArea());
        int[] order = shuffled(images.count(), random);
        int batch = config.batchSize();
        long step = state.step();
        double lossSum = 0;
        double accuracySum = 0;
        long start = System.nanoTime();
        try (ProgressBar bar = progressBar("epoch " + epoch + "/" + config.epochs(), (long) steps * batch)) {
            for (int s = 0; s < steps; s++) {
                int[] indices = new int[batch];
                int[] labels = new int[batch];
                float[] boxes = new float[batch * 4];
                for (int i = 0; i < batch; i++) {
                    indices[i] = order[s * batch + i];
                    labels[i] = images.label(indices[i]);
                    System.arraycopy(crops.sample(random), 0, boxes, i * 4, 4);
                }
                step++;
                float[] metrics = trainStep(session, model, images.batch(indices), boxes, labels,
                        (float) schedule.at(step - 1), step);
                lossSum += metrics[0];
                accuracySum += metrics[1];
                double seconds = (System.nanoTime() - start) / 1e9;
                bar.stepBy(batch);
                bar.setExtraMessage(String.format(" step %d/%d loss %.3f acc %.1f%% %.0f img/s lr %.2e",
                        s + 1, steps, lossSum / (s + 1), 100 * accuracySum / (s + 1), (s + 1) * batch / seconds, schedule.at(step - 1)));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation.Result valResult = validate(session, model, valInputs, valLabels, val.classes());
        List<TrainingState.EpochSummary> history = new ArrayList<>(state.history());
        history.add(new TrainingState.EpochSummary(epoch, lossSum / steps, 100 * accuracySum / steps,
                valResult.top1(), valResult.top5(), steps * batch / seconds, seconds));
        boolean best = valResult.top1() > state.bestTop1();
        TrainingState next = new TrainingState(config, epoch, step,
                best ? valResult.top1() : state.bestTop1(), best ? epoch : state.bestEpoch(),
                state.trainSeconds() + seconds, history);
        session.save(checkpoint("last").toString());
        if (best) {
            session.save(checkpoint("best").toString());
        }
        writeState(next);
        out.printf("epoch %d/%d: loss %.3f train top-1 %.2f%% val top-1 %.2f%% top-5 %.2f%% (%.0f img/s, %.0f s)%s%n",
                epoch, config.epochs(), lossSum / steps, 100 * accuracySum / steps, valResult.top1(), valResult.top5(),
                steps * batch / seconds, seconds, best ? " best" : "");
        return next;
    }

    private static float[] trainStep(Session session, TrainingGraph model, TUint8 batchImages, float[] boxes,
            int[] labels, float learningRate, long step) {
        int n = labels.length;
        int[] boxIndices = new int[n];
        for (int i = 0; i < n; i++) {
            boxIndices[i] = i;
        }
        try (batchImages;
                TFloat32 boxTensor = TFloat32.tensorOf(Shape.of(n, 4), DataBuffers.of(boxes, true, false));
                TInt32 boxIndexTensor = TInt32.vectorOf(boxIndices);
                TInt32 labelTensor = TInt32.vectorOf(labels);
                TFloat32 lr = TFloat32.scalarOf(learningRate);
                TFloat32 beta1 = TFloat32.scalarOf((float) Math.pow(TrainingGraph.ADAM_BETA1, step));
                TFloat32 beta2 = TFloat32.scalarOf((float) Math.pow(TrainingGraph.ADAM_BETA2, step))) {
            Session.Runner runner = session.runner()
                    .feed(model.images, batchImages).feed(model.boxes, boxTensor)
                    .feed(model.boxIndices, boxIndexTensor).feed(model.labels, labelTensor)
                    .feed(model.learningRate, lr).feed(model.beta1Power, beta1).feed(model.beta2Power, beta2)
                    .fetch(model.loss).fetch(model.accuracy);
            model.trainTargets.forEach(runner::addTarget);
            try (Result result = runner.run()) {
                return new float[] {((TFloat32) result.get(0)).getFloat(), ((TFloat32) result.get(1)).getFloat()};
            }
        }
    }

    private Evaluation.Result validate(Session session, TrainingGraph model, List<float[]> inputs, int[] labels,
            List<String> classes) {
        int resolution = config.spec().resolution();
        Evaluation evaluation = new Evaluation(classes);
        for (int from = 0; from < inputs.size(); from += EVAL_BATCH) {
            List<float[]> batch = inputs.subList(from, Math.min(inputs.size(), from + EVAL_BATCH));
            try (TFloat32 x = ImagePreprocessor.batch(batch, resolution, resolution);
                    TFloat32 probs = (TFloat32) session.runner().feed(model.inference.image(), x)
                            .fetch(model.inference.probs()).run().get(0)) {
                for (int i = 0; i < batch.size(); i++) {
                    float[] row = new float[config.spec().classes()];
                    probs.get(i).copyTo(DataBuffers.of(row, false, false));
                    evaluation.add(row, labels[from + i]);
                }
            }
        }
        return evaluation.result();
    }

    /** Trained values of the best checkpoint (or the last, if none was better), for export. */
    public static Map<String, TensorValue> bestValues(TrainConfig config) {
        try (Graph graph = new Graph()) {
            TrainingGraph model = new TrainingGraph(graph, config, Normalization.MINUS_ONE_TO_ONE);
            try (Session session = new Session(graph, sessionConfig(config.threads()))) {
                session.initialize();
                session.restore(config.runDir().resolve("best").resolve("ckpt").toString());
                return model.store.values(session);
            }
        }
    }

    private DecodedImageCache decode(ImageFolder train) {
        try (ProgressBar bar = progressBar("decoding " + train.samples().size() + " training images", train.samples().size())) {
            return DecodedImageCache.decode(train.samples(), config.cacheSize(), bar::stepTo);
        }
    }

    private List<float[]> preprocess(ImageFolder val) {
        int resolution = config.spec().resolution();
        List<float[]> inputs = new ArrayList<>(val.samples().size());
        try (ImagePreprocessor preprocessor = new ImagePreprocessor(resolution, resolution, Normalization.MINUS_ONE_TO_ONE);
                ProgressBar bar = progressBar("preprocessing " + val.samples().size() + " validation images", val.samples().size())) {
            for (ImageFolder.Sample sample : val.samples()) {
                inputs.add(preprocessor.apply(Files.readAllBytes(sample.path())));
                bar.step();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inputs;
    }

    static ConfigProto sessionConfig(int threads) {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(threads)
                .build();
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private Path checkpoint(String which) {
        Path dir = config.runDir().resolve(which);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve("ckpt");
    }

    private TrainingState readState() {
        Path file = config.runDir().resolve(STATE_FILE);
        return Files.exists(file) ? readState(config.runDir()) : null;
    }

    /** The state a run left in {@code runDir}. */
    public static TrainingState readState(Path runDir) {
        return JSON.readValue(runDir.resolve(STATE_FILE).toFile(), TrainingState.class);
    }

    private void writeState(TrainingState state) {
        JSON.writerWithDefaultPrettyPrinter().writeValue(config.runDir().resolve(STATE_FILE).toFile(), state);
    }

    private static ProgressBar progressBar(String task, long max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setMaxRenderedLength(150).setUpdateIntervalMillis(1000).continuousUpdate().build();
    }
}
