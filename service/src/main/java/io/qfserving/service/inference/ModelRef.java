package io.qfserving.service.inference;

/**
 * Which model a request asks for.
 *
 * @param name the model's name in the repository
 * @param version a version number, or null for the newest ready version
 */
public record ModelRef(String name, String version) {

    public static ModelRef newest(String name) {
        return new ModelRef(name, null);
    }
}
