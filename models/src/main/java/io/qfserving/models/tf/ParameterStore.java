package io.qfserving.models.tf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables by layer name. Building the network twice on one store (training and
 * inference branches of one graph) shares the variables instead of creating new ones.
 */
public final class ParameterStore {

    /** What a variable is; decides regularization and how export folds it. */
    public enum Kind {
        CONV_WEIGHT, DEPTHWISE_WEIGHT, DENSE_WEIGHT, BIAS, BN_GAMMA, BN_BETA, BN_MOVING_MEAN, BN_MOVING_VARIANCE;

        public boolean trainable() {
            return this != BN_MOVING_MEAN && this != BN_MOVING_VARIANCE;
        }
    }

    public record Parameter(String name, Kind kind, Variable<TFloat32> variable) {}

    private final Ops tf;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    public ParameterStore(Ops tf) {
        this.tf = tf;
    }

    Variable<TFloat32> variable(String name, Kind kind, Shape shape, Supplier<float[]> initialValue) {
        Parameter existing = parameters.get(name);
        if (existing != null) {
            if (existing.kind() != kind || !existing.variable().shape().equals(shape)) {
                throw new IllegalStateException("parameter " + name + " rebuilt with another kind or shape");
            }
            return existing.variable();
        }
        Variable<TFloat32> variable =
                OpNames.named(tf, name).variable(tf.constant(shape, DataBuffers.of(initialValue.get(), true, false)));
        parameters.put(name, new Parameter(name, kind, variable));
        return variable;
    }

    public Collection<Parameter> all() {
        return Collections.unmodifiableCollection(parameters.values());
    }

    public List<Parameter> trainable() {
        List<Parameter> result = new ArrayList<>();
        for (Parameter p : parameters.values()) {
            if (p.kind().trainable()) {
                result.add(p);
            }
        }
        return result;
    }

    /** Sets every variable to its value in {@code values} (all must be present). */
    public void load(Session session, Map<String, TensorValue> values) {
        for (Parameter p : parameters.values()) {
            TensorValue value = values.get(p.name());
            if (value == null) {
                throw new IllegalArgumentException("no value for " + p.name());
            }
            try (TFloat32 t = value.toTensor()) {
                var placeholder = tf.placeholder(TFloat32.class);
                session.runner().feed(placeholder, t).addTarget(tf.assign(p.variable(), placeholder)).run();
            }
        }
    }

    /** Reads every variable's current value from {@code session}. */
    public Map<String, TensorValue> values(Session session) {
        Map<String, TensorValue> values = new LinkedHashMap<>();
        for (Parameter p : parameters.values()) {
            try (TFloat32 t = (TFloat32) session.runner().fetch(p.variable()).run().get(0)) {
                values.put(p.name(), TensorValue.copyOf(t));
            }
        }
        return values;
    }
}
