package io.qfserving.service.inference;

import io.qfserving.service.errors.ServingException;
import java.awt.Dimension;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * A JPEG's declared width and height, read from its header by TensorFlow's ExtractJpegShape (no pixel
 * is decoded; about 0.05 ms, where ImageIO's header reader took about 0.45 ms a photo). Thread-safe.
 */
final class JpegShape implements AutoCloseable {

    private final Graph graph = new Graph();
    private final Placeholder<TString> encoded;
    private final Operand<TInt32> shape;
    private final Session session;

    JpegShape() {
        Ops tf = Ops.create(graph);
        encoded = tf.placeholder(TString.class);
        shape = tf.image.extractJpegShape(encoded);
        session = new Session(graph, ConfigProto.newBuilder().setInterOpParallelismThreads(-1).setIntraOpParallelismThreads(1).build());
    }

    Dimension of(byte[] jpeg) {
        try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg));
                TInt32 hwc = (TInt32) session.runner().feed(encoded, input).fetch(shape).run().get(0)) {
            return new Dimension(hwc.getInt(1), hwc.getInt(0));
        } catch (TFInvalidArgumentException e) {
            throw ServingException.badRequest("not a valid JPEG image: cannot read its header (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
