package io.qfserving.service.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one qf-serving replica exposes on {@code /actuator/prometheus} (text format 0.0.4) while it
 * serves the default experiment: four arms, a shadow, feedback, direct calls and a few failures,
 * the replace decisions of its two pairs, plus the JVM basics. Every series the dashboard reads is
 * here, written from the description below; counters and histograms grow with each scrape, so
 * {@code rate()} sees steady traffic.
 */
final class ServingExposition {

    record Model(String name, String variant, String precision, String engine, long macsPerImage, long parameters,
            long sizeBytes, double top1, double meanLatencySeconds) {}

    /** An experiment arm and the client requests it answers per scrape interval. */
    record Arm(String name, Model model, int requestsPerScrape) {}

    /** A replace decision for one candidate/control pair of the experiment, with its anytime-valid bounds. */
    record Decision(String candidate, String control, int decision, double lowerBound, double upperBound,
            long observations) {}

    static final Model BASELINE_FLOAT =
            new Model("mobilenet-v2", "baseline", "float32", "tensorflow", 31_300_000, 719_034, 5_580_000, 0.735, 0.012);
    static final Model BASELINE_INT8 =
            new Model("mobilenet-v2-int8", "baseline", "int8", "onnxruntime", 31_300_000, 719_034, 790_000, 0.7315, 0.006);
    static final Model QF_FLOAT =
            new Model("qf-mobilenet-v2", "qf", "float32", "tensorflow", 31_300_000, 704_570, 5_540_000, 0.758, 0.011);
    static final Model QF_INT8 =
            new Model("qf-mobilenet-v2-int8", "qf", "int8", "onnxruntime", 31_300_000, 704_570, 770_000, 0.758, 0.005);
    static final List<Model> MODELS = List.of(BASELINE_FLOAT, BASELINE_INT8, QF_FLOAT, QF_INT8);

    static final String EXPERIMENT = "mobilenet-v2-ab";
    static final List<Arm> ARMS = List.of(
            new Arm("baseline-float", BASELINE_FLOAT, 25), new Arm("baseline-int8", BASELINE_INT8, 25),
            new Arm("qf-float", QF_FLOAT, 25), new Arm("qf-int8", QF_INT8, 25));

    /** The pairs the default experiment decides: one decided (replace), one not yet (continue). */
    static final Decision REPLACE = new Decision("qf-int8", "qf-float", 1, -0.004, 0.012, 4_800);
    static final Decision CONTINUE = new Decision("qf-int8", "baseline-float", 0, -0.02, 0.03, 1_200);
    static final List<Decision> DECISIONS = List.of(REPLACE, CONTINUE);

    /** Mirrored from every arm but its own, as the router does. */
    static final Model SHADOW = QF_INT8;
    static final String DATASET = "imagenette2-224/val";

    private static final double[] LATENCY_BUCKETS =
            {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};
    /** Shares of a request's time spent in each stage; total is the whole request. */
    private static final Map<String, Double> STAGE_SHARES =
            Map.of("queue", 0.15, "preprocess", 0.25, "inference", 0.6, "total", 1.0);
    private static final double FAILURE_LATENCY_SECONDS = 0.001;
    private static final int DIRECT_REQUESTS_PER_SCRAPE = 5;
    private static final int FEEDBACK_PER_SCRAPE = 10;
    private static final int SHADOW_DISAGREEMENTS_PER_SCRAPE = 1;
    private static final double IMAGES_PER_REQUEST = 1.5;
    private static final double MEAN_BATCH_SIZE = 3;

    private ServingExposition() {}

    /** The exposition at the {@code scrape}-th scrape (1, 2, ...): cumulative values after that many intervals. */
    static String render(int scrape) {
        Writer out = new Writer(scrape);
        Map<Model, Double> requestsServed = new LinkedHashMap<>();
        int mirrored = 0;
        for (Arm arm : ARMS) {
            served(out, requestsServed, arm.model(), "http", EXPERIMENT, arm.name(), arm.requestsPerScrape());
            failed(out, modelLabels(arm.model()), "http", EXPERIMENT, arm.name(), "overloaded");
            int correct = (int) Math.round(FEEDBACK_PER_SCRAPE * arm.model().top1());
            feedback(out, arm, "correct", correct);
            feedback(out, arm, "incorrect", FEEDBACK_PER_SCRAPE - correct);
            if (arm.model() != SHADOW) {
                mirrored += arm.requestsPerScrape();
                shadowComparisons(out, arm.model(), "agree", arm.requestsPerScrape() - SHADOW_DISAGREEMENTS_PER_SCRAPE);
                shadowComparisons(out, arm.model(), "disagree", SHADOW_DISAGREEMENTS_PER_SCRAPE);
            }
        }
        served(out, requestsServed, SHADOW, "shadow", EXPERIMENT, "", mirrored);
        out.counter("qf_shadow_dropped_total", labels("experiment", EXPERIMENT, "shadow_model", SHADOW.name()), 1);
        for (Model model : MODELS) {
            served(out, requestsServed, model, "grpc", "", "", DIRECT_REQUESTS_PER_SCRAPE);
            failed(out, modelLabels(model), "http", "", "", "bad_request");
        }
        // A request for a model that does not exist has no model to label it with.
        failed(out, labels("model", "", "version", "", "variant", "", "precision", "", "engine", ""), "http", "", "",
                "not_found");
        requestsServed.forEach((model, requests) -> modelWork(out, model, requests * IMAGES_PER_REQUEST));
        out.counter("qf_model_load_failures_total", labels("model", QF_INT8.name(), "version", "2"), 1);
        DECISIONS.forEach(decision -> decision(out, decision));
        jvm(out);
        return out.text();
    }

    private static void served(Writer out, Map<Model, Double> requestsServed, Model model, String transport,
            String experiment, String arm, int perScrape) {
        Map<String, String> labels = with(modelLabels(model), "transport", transport, "experiment", experiment,
                "experiment_variant", arm);
        out.counter("qf_requests_total", with(labels, "outcome", "success"), perScrape);
        STAGE_SHARES.forEach((stage, share) -> out.histogram("qf_request_duration_seconds", with(labels, "stage", stage),
                LATENCY_BUCKETS, perScrape, share * model.meanLatencySeconds()));
        requestsServed.merge(model, (double) perScrape, Double::sum);
    }

    /** One failed request per scrape interval, with the total-stage latency the service records for failures. */
    private static void failed(Writer out, Map<String, String> modelLabels, String transport, String experiment,
            String arm, String outcome) {
        Map<String, String> labels = with(modelLabels, "transport", transport, "experiment", experiment,
                "experiment_variant", arm);
        out.counter("qf_requests_total", with(labels, "outcome", outcome), 1);
        out.histogram("qf_request_duration_seconds", with(labels, "stage", "total"), LATENCY_BUCKETS, 1,
                FAILURE_LATENCY_SECONDS);
    }

    private static void feedback(Writer out, Arm arm, String outcome, int perScrape) {
        out.counter("qf_feedback_total", with(modelLabels(arm.model()), "experiment", EXPERIMENT,
                "experiment_variant", arm.name(), "outcome", outcome), perScrape);
    }

    private static void shadowComparisons(Writer out, Model primary, String outcome, int perScrape) {
        out.counter("qf_shadow_comparisons_total", labels("experiment", EXPERIMENT, "primary_model", primary.name(),
                "primary_version", "1", "shadow_model", SHADOW.name(), "shadow_version", "1", "outcome", outcome), perScrape);
    }

    /** The per-version meters: images, MACs and batches served, queue, and the manifest's numbers. */
    private static void modelWork(Writer out, Model model, double imagesPerScrape) {
        Map<String, String> labels = modelLabels(model);
        out.counter("qf_images_total", labels, imagesPerScrape);
        out.counter("qf_macs_total", labels, imagesPerScrape * model.macsPerImage());
        out.histogram("qf_batch_size", labels, BATCH_BUCKETS, imagesPerScrape / MEAN_BATCH_SIZE, MEAN_BATCH_SIZE);
        out.gauge("qf_queue_depth", labels, 2);
        out.gauge("qf_model_macs_per_image", labels, model.macsPerImage());
        out.gauge("qf_model_parameters", labels, model.parameters());
        out.gauge("qf_model_size_bytes", labels, model.sizeBytes());
        out.gauge("qf_model_warmup_seconds", labels, 20 * model.meanLatencySeconds());
        out.gauge("qf_model_offline_top1", with(labels, "dataset", DATASET), model.top1());
    }

    private static void decision(Writer out, Decision decision) {
        Map<String, String> labels = labels("experiment", EXPERIMENT, "candidate", decision.candidate(),
                "control", decision.control());
        out.gauge("qf_experiment_decision", labels, decision.decision());
        out.gauge("qf_experiment_accuracy_difference_lower_bound", labels, decision.lowerBound());
        out.gauge("qf_experiment_accuracy_difference_upper_bound", labels, decision.upperBound());
        out.gauge("qf_experiment_observations", labels, decision.observations());
    }

    private static void jvm(Writer out) {
        out.gauge("jvm_memory_used_bytes", labels("area", "heap", "id", "G1 Eden Space"), 48e6);
        out.gauge("jvm_memory_used_bytes", labels("area", "heap", "id", "G1 Old Gen"), 120e6);
        out.gauge("jvm_memory_used_bytes", labels("area", "nonheap", "id", "Metaspace"), 70e6);
        out.gauge("jvm_threads_live_threads", Map.of(), 48);
        out.gauge("jvm_classes_loaded_classes", Map.of(), 17_000);
        out.summary("jvm_gc_pause_seconds",
                labels("action", "end of minor GC", "cause", "G1 Evacuation Pause", "gc", "G1 Young Generation"), 2, 0.004);
        out.gauge("process_cpu_usage", Map.of(), 0.4);
        out.gauge("system_cpu_usage", Map.of(), 0.7);
    }

    static Map<String, String> modelLabels(Model model) {
        return labels("model", model.name(), "version", "1", "variant", model.variant(), "precision", model.precision(),
                "engine", model.engine());
    }

    private static Map<String, String> labels(String... namesAndValues) {
        return with(Map.of(), namesAndValues);
    }

    private static Map<String, String> with(Map<String, String> labels, String... namesAndValues) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            all.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return all;
    }

    /**
     * Writes samples grouped by metric family, as the format requires. Rates are given per scrape
     * interval and written as cumulative values after {@code scrape} intervals.
     */
    private static final class Writer {

        private record Family(String type, List<String> samples) {}

        private final int scrape;
        private final Map<String, Family> families = new LinkedHashMap<>();

        Writer(int scrape) {
            this.scrape = scrape;
        }

        void gauge(String name, Map<String, String> labels, double value) {
            add(name, "gauge", name, labels, value);
        }

        void counter(String name, Map<String, String> labels, double perScrape) {
            add(name, "counter", name, labels, scrape * perScrape);
        }

        /** Observations spread exponentially around {@code mean}, so every bucket up to a few means fills. */
        void histogram(String name, Map<String, String> labels, double[] bounds, double perScrape, double mean) {
            double count = scrape * perScrape;
            for (double bound : bounds) {
                double share = 1 - Math.exp(-bound / mean);
                add(name, "histogram", name + "_bucket", with(labels, "le", BigDecimal.valueOf(bound).toPlainString()),
                        Math.floor(count * share));
            }
            add(name, "histogram", name + "_bucket", with(labels, "le", "+Inf"), count);
            add(name, "histogram", name + "_count", labels, count);
            add(name, "histogram", name + "_sum", labels, count * mean);
        }

        /** A Micrometer timer without buckets (the JVM's GC pauses): count and sum only. */
        void summary(String name, Map<String, String> labels, double perScrape, double mean) {
            double count = scrape * perScrape;
            add(name, "summary", name + "_count", labels, count);
            add(name, "summary", name + "_sum", labels, count * mean);
        }

        private void add(String family, String type, String sample, Map<String, String> labels, double value) {
            String labelText = labels.isEmpty() ? "" : labels.entrySet().stream()
                    .map(label -> label.getKey() + "=\"" + escape(label.getValue()) + "\"")
                    .collect(Collectors.joining(",", "{", "}"));
            families.computeIfAbsent(family, f -> new Family(type, new ArrayList<>()))
                    .samples().add(sample + labelText + " " + value);
        }

        private static String escape(String labelValue) {
            return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }

        String text() {
            StringBuilder text = new StringBuilder();
            families.forEach((name, family) -> {
                text.append("# TYPE ").append(name).append(' ').append(family.type()).append('\n');
                family.samples().forEach(sample -> text.append(sample).append('\n'));
            });
            return text.toString();
        }
    }
}
