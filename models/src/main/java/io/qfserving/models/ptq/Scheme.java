package io.qfserving.models.ptq;

import io.qfserving.models.quant.RangeMethod;

/** An int8 recipe: how activation ranges are chosen, and weight scales per tensor or per output channel. */
public record Scheme(RangeMethod rangeMethod, boolean perChannelWeights) {

    /** The papers' method: greedy ranges, one weight scale per tensor. */
    public static final Scheme PAPERS = new Scheme(RangeMethod.GREEDY, false);

    public String weights() {
        return perChannelWeights ? "per-channel" : "per-tensor";
    }

    public String rangeMethodId() {
        return rangeMethod == RangeMethod.GREEDY ? "greedy" : "min-max";
    }

    @Override
    public String toString() {
        return rangeMethodId() + ", " + weights();
    }
}
