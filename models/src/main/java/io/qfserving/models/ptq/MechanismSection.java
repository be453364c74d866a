package io.qfserving.models.ptq;

import static io.qfserving.models.ptq.ReproductionReport.DIAGNOSTIC_IMAGES;
import static io.qfserving.models.ptq.ReproductionReport.PER_CHANNEL;

import io.qfserving.models.ptq.LayerDiagnostics.ActivationNoise;
import io.qfserving.models.ptq.LayerDiagnostics.DepthwiseLayer;
import io.qfserving.models.ptq.ReproductionReport.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The report's account of why int8 keeps or loses accuracy, family by family (a baseline and its QF
 * twin), from each model's {@link LayerDiagnostics}, with a chart of SQNR by layer per family; and
 * the 2021 paper's resource claims beside our twins' measured ratios.
 */
record MechanismSection(List<Row> rows) {

    /** Rows grouped by architecture, in report order. */
    private Map<String, List<Row>> families() {
        Map<String, List<Row>> families = new LinkedHashMap<>();
        rows.forEach(r -> families.computeIfAbsent(r.manifest().architecture(), a -> new ArrayList<>()).add(r));
        return families;
    }

    /** The chart file of a family, beside the report. */
    static Path chartFile(Path markdown, String family) {
        return markdown.resolveSibling(markdown.getFileName().toString().replaceFirst("\\.md$", "") + "-" + family + ".png");
    }

    void charts(Path markdown) throws IOException {
        for (Map.Entry<String, List<Row>> family : families().entrySet()) {
            XYChart chart = new XYChartBuilder().width(1000).height(450)
                    .title(family.getKey() + ": int8 vs float SQNR of each quantized activation, in graph order")
                    .xAxisTitle("activation (graph order)").yAxisTitle("SQNR (dB)").build();
            for (Row r : family.getValue()) {
                List<ActivationNoise> layers = r.diagnostics().activations();
                List<Integer> x = IntStream.rangeClosed(1, layers.size()).boxed().toList();
                chart.addSeries(r.model() + ", per-tensor", x, layers.stream().map(ActivationNoise::perTensorDb).toList());
                chart.addSeries(r.model() + ", per-channel", x, layers.stream().map(ActivationNoise::perChannelDb).toList());
            }
            BitmapEncoder.saveBitmap(chart, chartFile(markdown, family.getKey()).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    String markdown(Path markdown) {
        StringBuilder md = new StringBuilder();
        md.append("\n## Why int8 keeps the accuracy: the papers' mechanism, layer by layer\n\n");
        md.append(String.format("Measured on %d validation images spread evenly over the folder, with the first calibration draw. "
                + "*SQNR* = 10 log10(sum of float^2 / sum of (float - int8)^2) of every activation the int8 graph quantizes, "
                + "in graph order, and of the logits: the int8 graph's value against the float graph's, so each layer's noise "
                + "carries into the next, as in Sheng et al.'s per-layer plot (the int8 graph runs with those tensors exposed, "
                + "in float on the quantized values). *Spread* = the largest channel's largest |weight| over the median "
                + "channel's, in a depthwise layer after BatchNorm folding: one per-tensor scale leaves a channel k times below "
                + "the largest 127 / k levels. *Near-dead*: depthwise channels whose input never exceeds %.0f%% of the median "
                + "channel's largest value on these images; in a baseline their BatchNorm variance is about zero, so folding "
                + "divides their weights by sqrt(epsilon), the explosion the papers trace the collapse to. QF layers have no "
                + "BatchNorm there to fold.%n", DIAGNOSTIC_IMAGES, LayerDiagnostics.NEAR_DEAD * 100));
        families().forEach((family, members) -> {
            md.append("\n### ").append(family).append("\n\n");
            md.append("![SQNR by layer](").append(chartFile(markdown, family).getFileName()).append(")\n\n");
            md.append("| model | logits SQNR per-tensor | logits SQNR per-channel | lowest activation SQNR per-tensor "
                    + "| worst depthwise spread | near-dead depthwise inputs | top-1 agreement per-tensor / per-channel |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (Row r : members) {
                LayerDiagnostics d = r.diagnostics();
                int channels = d.depthwise().stream().mapToInt(DepthwiseLayer::channels).sum();
                md.append(String.format("| %s | %.1f dB | %.1f dB | %.1f dB | %.1fx | %d of %d | %.2f%% / %.2f%% |%n", r.model(),
                        d.logits().perTensorDb(), d.logits().perChannelDb(), d.lowestActivationSqnr(), d.worstDepthwiseSpread(),
                        d.nearDeadInputs(), channels, r.agreementWithFloat(Scheme.PAPERS), r.agreementWithFloat(PER_CHANNEL)));
            }
            md.append("\n| depthwise layer | channels |");
            members.forEach(r -> md.append(' ').append(r.model()).append(" spread | near-dead |"));
            md.append("\n|---|---|").append("---|---|".repeat(members.size())).append('\n');
            List<DepthwiseLayer> first = members.getFirst().diagnostics().depthwise();
            for (int i = 0; i < first.size(); i++) {
                md.append("| ").append(first.get(i).layer()).append(" | ").append(first.get(i).channels()).append(" |");
                for (Row r : members) {
                    DepthwiseLayer layer = r.diagnostics().depthwise().get(i);
                    md.append(String.format(" %.1fx | %d |", layer.spread(), layer.nearDeadInputs()));
                }
                md.append('\n');
            }
        });
        return md.toString();
    }

    String resourceClaims() {
        StringBuilder md = new StringBuilder();
        md.append("\n## The 2021 paper's resource claims beside our twins\n\n");
        md.append("QF-MobileNet (2021) reports its QF models with 32% fewer parameters, 30% fewer MACs and 33% less time than "
                + "the baselines. Our QF twins change only what the QF rule changes (no BatchNorm and no activation after the "
                + "depthwise convolutions, ReLU for ReLU6), so they keep every convolution; QF / baseline ratios, latencies "
                + "from Size and latency above:\n\n");
        md.append("| QF / baseline | parameters | MACs | TF float latency b1 | ORT int8 latency b1 |\n|---|---|---|---|---|\n");
        families().forEach((family, members) -> {
            Map<String, Row> byVariant = new LinkedHashMap<>();
            members.forEach(r -> byVariant.put(r.manifest().variant(), r));
            Row baseline = byVariant.get("baseline");
            Row qf = byVariant.get("qf");
            if (baseline == null || qf == null) {
                return;
            }
            md.append(String.format("| %s | %.3f | %.3f | %.2f | %.2f |%n", family,
                    (double) qf.manifest().parameters() / baseline.manifest().parameters(),
                    (double) qf.manifest().macsPerImage() / baseline.manifest().macsPerImage(),
                    qf.latency().get("TensorFlow float")[0] / baseline.latency().get("TensorFlow float")[0],
                    qf.latency().get("ONNX Runtime int8")[0] / baseline.latency().get("ONNX Runtime int8")[0]));
        });
        md.append("| QF-MobileNet (2021), as published | 0.68 | 0.70 | 0.67 (time, on the paper's platform) | |\n");
        return md.toString();
    }
}
