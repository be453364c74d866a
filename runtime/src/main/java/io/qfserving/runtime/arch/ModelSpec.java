package io.qfserving.runtime.arch;

/**
 * Everything that decides the shape of a network: family, variant, width multiplier, square input
 * resolution and class count.
 */
public record ModelSpec(Architecture architecture, Variant variant, double width, int resolution, int classes) {

    public ModelSpec {
        if (width <= 0 || width > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + width);
        }
        if (resolution < 32) {
            throw new IllegalArgumentException("resolution must be at least 32, got " + resolution);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        }
    }

    /** Canonical model name, e.g. {@code qf-mobilenet-v2} or {@code mobilenet-v1}. */
    public String name() {
        return (variant == Variant.QF ? "qf-" : "") + architecture.id();
    }

    /** Builds the network on {@code layers} and returns the pre-softmax logits. */
    public <T> T logits(Layers<T> layers, T images) {
        return architecture.logits(this, layers, images);
    }

    boolean quantizationFriendly() {
        return variant == Variant.QF;
    }

    /** The activation after normalized convolutions: ReLU6 for the baseline, ReLU for QF. */
    <T> T activation(Layers<T> layers, T x) {
        return quantizationFriendly() ? layers.relu(x) : layers.relu6(x);
    }
}
