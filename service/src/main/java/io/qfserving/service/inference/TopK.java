package io.qfserving.service.inference;

import io.qfserving.service.errors.ServingException;
import java.util.Comparator;
import java.util.stream.IntStream;

/** The positions of the largest values of a score row. */
public final class TopK {

    private TopK() {}

    /**
     * The indices of the {@code k} largest values, largest first (ties keep index order); a {@code k}
     * over the row's length returns every index.
     */
    public static int[] indices(float[] values, int k) {
        if (k < 1) {
            throw ServingException.badRequest("the number of top classes must be at least 1, got " + k);
        }
        return IntStream.range(0, values.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> values[i]).reversed())
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
