package io.qfserving.models.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Human-readable names for ImageNet synset ids; an unknown id names itself. */
public final class ClassNames {

    private static final Map<String, String> NAMES = load();

    private ClassNames() {}

    public static String of(String synset) {
        return NAMES.getOrDefault(synset, synset);
    }

    private static Map<String, String> load() {
        Map<String, String> names = new HashMap<>();
        try (InputStream in = ClassNames.class.getResourceAsStream("class-names.tsv");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().map(line -> line.split("\t", 2)).filter(f -> f.length == 2).forEach(f -> names.put(f[0], f[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(names);
    }
}
