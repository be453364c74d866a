package io.qfserving.service.metrics;

/**
 * The name of every meter the server registers, in Micrometer's dotted form: Prometheus shows
 * {@code qf.admission.refused} as {@code qf_admission_refused_total}, dots as underscores, with the
 * suffix of the meter's type and unit. The dashboard, the chart's queries and the docs use those
 * Prometheus names; {@code MetricNamesTests} holds them and the registry to this list.
 */
public final class MetricNames {

    private MetricNames() {}

    /** Inference requests by outcome (success or the error kind), per served version, transport and experiment arm. */
    public static final String REQUESTS = "qf.requests";
    /** Request latency by stage (queue, preprocess, inference, total), as a histogram. */
    public static final String REQUEST_DURATION = "qf.request.duration";
    /** Images classified, per served version. */
    public static final String IMAGES = "qf.images";
    /** Multiply-accumulates served: images times the model's MACs per image. */
    public static final String MACS = "qf.macs";
    /** Images per engine call (dynamic batching), as a histogram. */
    public static final String BATCH_SIZE = "qf.batch.size";
    /** Images waiting in a served version's batching queue. */
    public static final String QUEUE_DEPTH = "qf.queue.depth";

    /** Multiply-accumulates per image of a served version, counted from its graph. */
    public static final String MODEL_MACS_PER_IMAGE = "qf.model.macs.per.image";
    /** Trainable parameters of a served version. */
    public static final String MODEL_PARAMETERS = "qf.model.parameters";
    /** Size of a served version's model files. */
    public static final String MODEL_SIZE = "qf.model.size.bytes";
    /** Warm-up time of a served version at load. */
    public static final String MODEL_WARMUP = "qf.model.warmup.seconds";
    /** Top-1 accuracy (0-1) of a served version measured offline, from its manifest. */
    public static final String MODEL_OFFLINE_TOP1 = "qf.model.offline.top1";
    /** Top-1 accuracy (0-1) of a model's served version measured through the serving path at start-up. */
    public static final String MODEL_STARTUP_TOP1 = "qf.model.startup.top1";
    /** Model versions that failed to load or warm up. */
    public static final String MODEL_LOAD_FAILURES = "qf.model.load.failures";

    /** Inference requests refused before any of their work, at the limit of requests in progress. */
    public static final String ADMISSION_REFUSED = "qf.admission.refused";
    /** Inference requests allowed in progress, as the adaptive limit estimates it now. */
    public static final String ADMISSION_LIMIT = "qf.admission.limit";
    /** Inference requests in progress. */
    public static final String ADMISSION_IN_PROGRESS = "qf.admission.in.progress";
    /** Inference requests whose body did not arrive within the body timeout. */
    public static final String ADMISSION_BODY_TIMEOUTS = "qf.admission.body.timeouts";
    /** Memory held by request bodies being received or served, in bytes. */
    public static final String ADMISSION_RECEIVING = "qf.admission.receiving";

    /** Top-1 agreement of primary and shadow answers, per image. */
    public static final String SHADOW_COMPARISONS = "qf.shadow.comparisons";
    /** Shadow copies not run: queue full or server busy, or failed. */
    public static final String SHADOW_DROPPED = "qf.shadow.dropped";

    /** Feedback on served predictions: whether the top-1 class was right. */
    public static final String FEEDBACK = "qf.feedback";

    /** Experiment-store writes on the request path that failed or timed out. */
    public static final String STATE_ERRORS = "qf.state.errors";

    /** Replace decision of a candidate against its control: 1 replace, 0 continue, -1 keep. */
    public static final String EXPERIMENT_DECISION = "qf.experiment.decision";
    /** Anytime-valid lower bound of accuracy(candidate) - accuracy(control). */
    public static final String EXPERIMENT_DIFFERENCE_LOWER = "qf.experiment.accuracy.difference.lower.bound";
    /** Anytime-valid upper bound of accuracy(candidate) - accuracy(control). */
    public static final String EXPERIMENT_DIFFERENCE_UPPER = "qf.experiment.accuracy.difference.upper.bound";
    /** Observations a replace decision rests on. */
    public static final String EXPERIMENT_OBSERVATIONS = "qf.experiment.observations";
}
