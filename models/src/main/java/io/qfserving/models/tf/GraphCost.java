package io.qfserving.models.tf;

import java.util.Iterator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;

/**
 * Multiply-accumulates per image and parameter count, read off a built graph: each Conv2D,
 * DepthwiseConv2dNative and MatMul contributes from its static shapes, each variable its size.
 * Nothing comes from a table, so a change to an architecture changes these numbers with it.
 */
public record GraphCost(long macsPerImage, long parameters) {

    public static GraphCost of(Graph graph) {
        long macs = 0;
        long params = 0;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext();) {
            GraphOperation op = it.next();
            switch (op.type()) {
                case "Conv2D" -> {
                    Shape out = op.output(0).shape();
                    Shape filter = op.input(1).shape();
                    // output positions x output channels x kernel area x input channels
                    macs += out.get(1) * out.get(2) * out.get(3) * filter.get(0) * filter.get(1) * filter.get(2);
                }
                case "DepthwiseConv2dNative" -> {
                    Shape out = op.output(0).shape();
                    Shape filter = op.input(1).shape();
                    macs += out.get(1) * out.get(2) * out.get(3) * filter.get(0) * filter.get(1);
                }
                case "MatMul" -> {
                    Shape weights = op.input(1).shape();
                    macs += weights.get(0) * weights.get(1);
                }
                case "VariableV2" -> params += op.output(0).shape().size();
                default -> {
                }
            }
        }
        return new GraphCost(macs, params);
    }
}
