package io.qfserving.runtime.arch;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The network families this toolkit builds; each is defined once, for both variants. */
public enum Architecture {
    MOBILENET_V1("mobilenet-v1"),
    MOBILENET_V2("mobilenet-v2"),
    MOBILENET_V3_SMALL("mobilenet-v3-small");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Architecture fromId(String id) {
        for (Architecture a : values()) {
            if (a.id.equals(id.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + id + "', expected one of " + ids());
    }

    /** Every architecture's id, comma-separated. */
    public static String ids() {
        return Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", "));
    }

    <T> T logits(ModelSpec spec, Layers<T> layers, T images) {
        return switch (this) {
            case MOBILENET_V1 -> MobileNetV1.logits(spec, layers, images);
            case MOBILENET_V2 -> MobileNetV2.logits(spec, layers, images);
            case MOBILENET_V3_SMALL -> MobileNetV3.logits(spec, layers, images);
        };
    }
}
