package io.qfserving.service.experiment;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Weighted rendezvous (highest-random-weight) hashing of client keys onto variants, in the
 * logarithmic form of Schindelhauer and Schomaker ("Weighted distributed hash tables", SPAA 2005).
 *
 * <p>Each (variant, key) pair hashes to u in (0, 1); -ln(u) is then exponentially distributed, and
 * -ln(u) / weight is exponential with rate {@code weight}. The key goes to the variant with the
 * smallest such value, which is variant i with probability weight_i / sum of weights. Changing one
 * variant's weight rescales only that variant's values, so keys move only to it (weight up) or away
 * from it (weight down), and only about the changed share of them.
 */
final class WeightedRendezvous {

    private static final HashFunction HASH = Hashing.murmur3_128();

    private final String salt;
    private final List<Variant> variants;

    /**
     * @param salt the experiment's name, so that the same key is placed independently in different experiments
     * @param variants the variants that take traffic (positive weights)
     */
    WeightedRendezvous(String salt, List<Variant> variants) {
        this.salt = salt;
        this.variants = List.copyOf(variants);
    }

    Variant pick(String clientKey) {
        Variant best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Variant v : variants) {
            // ln(u) / w is the negated exponential draw: the highest score is the smallest draw
            double score = Math.log(unitInterval(v.name(), clientKey)) / v.weight();
            if (score > bestScore) {
                best = v;
                bestScore = score;
            }
        }
        return best;
    }

    private double unitInterval(String variantName, String clientKey) {
        long bits = HASH.newHasher()
                .putInt(salt.length()).putString(salt, StandardCharsets.UTF_8)
                .putInt(variantName.length()).putString(variantName, StandardCharsets.UTF_8)
                .putString(clientKey, StandardCharsets.UTF_8)
                .hash().asLong();
        // the top 53 bits, centred in their cell: strictly between 0 and 1, so the logarithm is finite
        return ((bits >>> 11) + 0.5) * 0x1.0p-53;
    }
}
