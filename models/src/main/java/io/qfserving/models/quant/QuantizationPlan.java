package io.qfserving.models.quant;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything an int8 graph needs beyond the float weights: one uint8 quantizer per activation tensor
 * (chosen from its calibration histogram) and whether conv weights get one scale per output channel
 * or one per tensor.
 */
public record QuantizationPlan(Map<String, LinearQuantizer> activations, boolean perChannelWeights) {

    public QuantizationPlan {
        activations = Map.copyOf(activations);
    }

    /** Picks each activation's range from its histogram with {@code method}. */
    public static QuantizationPlan fromHistograms(
            Map<String, Histogram> histograms, RangeMethod method, boolean perChannelWeights) {
        Map<String, LinearQuantizer> activations = new LinkedHashMap<>();
        histograms.forEach((tensor, histogram) -> activations.put(tensor, RangeSearch.search(histogram, method).quantizer()));
        return new QuantizationPlan(activations, perChannelWeights);
    }

    public LinearQuantizer activation(String tensor) {
        LinearQuantizer q = activations.get(tensor);
        if (q == null) {
            throw new IllegalArgumentException("no calibrated range for activation " + tensor);
        }
        return q;
    }
}
