package io.qfserving.runtime.arch;

/** Channel counts of width-scaled networks, rounded the way the Keras and TF-Slim references round them. */
final class Channels {

    private Channels() {}

    /** Rounds channels to a multiple of 8 without dropping more than 10% (the reference rule). */
    static int makeDivisible(double channels) {
        int divisor = 8;
        int rounded = Math.max(divisor, (int) (channels + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * channels ? rounded + divisor : rounded;
    }
}
