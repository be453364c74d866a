package io.qfserving.models.eval;

import io.qfserving.models.export.SavedModelExport;
import io.qfserving.runtime.engine.Classifier;
import io.qfserving.runtime.engine.tensorflow.SavedModelClassifier;
import java.nio.file.Path;

class SavedModelClassifierTests extends ClassifierContract {

    @Override
    Classifier open(Path dir) throws Exception {
        return new SavedModelClassifier(SavedModelExport.export(SPEC, TRAINED, dir), SPEC.resolution(), SPEC.resolution(), 1);
    }
}
