package io.qfserving.service.repository;

/**
 * Which model a request or an experiment asks for: a served model and, optionally, one of its
 * versions.
 *
 * @param model the served model's name, e.g. {@code qf-mobilenet-v2-int8}
 * @param version a version of it, or null for the newest loaded one
 */
public record ModelRef(String model, String version) {

    /** The newest ready version of {@code model}. */
    public static ModelRef newest(String model) {
        return new ModelRef(model, null);
    }

    /** Reads {@code model} or {@code model@version}. */
    public static ModelRef parse(String text) {
        int at = text.lastIndexOf('@');
        return at < 0 ? new ModelRef(text, null) : new ModelRef(text.substring(0, at), text.substring(at + 1));
    }

    @Override
    public String toString() {
        return version == null ? model : model + "@" + version;
    }
}
