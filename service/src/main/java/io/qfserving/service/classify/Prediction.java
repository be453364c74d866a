package io.qfserving.service.classify;

import io.qfserving.runtime.manifest.ModelManifest;
import io.qfserving.service.inference.TopK;
import java.util.Arrays;
import java.util.List;

/** One labelled class score. */
public record Prediction(String label, String synset, int index, float score) {

    /** The {@code k} most probable classes, best first. */
    static List<Prediction> topK(float[] probabilities, List<ModelManifest.Label> labels, int k) {
        return Arrays.stream(TopK.indices(probabilities, k))
                .mapToObj(i -> new Prediction(labels.get(i).name(), labels.get(i).synset(), i, probabilities[i]))
                .toList();
    }
}
