package io.qfserving.models.tf;

import org.tensorflow.op.Ops;

/** TensorFlow names an op "a/b/c" only through nested scopes; layer names carry slashes. */
final class OpNames {

    private OpNames() {}

    static Ops named(Ops tf, String name) {
        String[] parts = name.split("/");
        Ops scoped = tf;
        for (int i = 0; i < parts.length - 1; i++) {
            scoped = scoped.withSubScope(parts[i]);
        }
        return scoped.withName(parts[parts.length - 1]);
    }
}
