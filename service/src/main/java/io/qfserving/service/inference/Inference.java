package io.qfserving.service.inference;

import io.qfserving.service.repository.ServedModel;
import java.util.List;

/** A served request: the version that ran it, one score row per input in order, and its timing. */
public record Inference(ServedModel model, List<ServedModel.ScoreRow> rows, Timing timing) {}
