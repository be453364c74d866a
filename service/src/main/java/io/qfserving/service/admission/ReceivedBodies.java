package io.qfserving.service.admission;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import io.qfserving.service.transport.HttpRequests;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request bodies received without a thread: the container calls back as data arrives, the bytes
 * collect in chunks, and once the body is complete (or too large, too slow, over the budget) the
 * request is dispatched again, with the outcome as an attribute, to {@link AdmissionFilter}.
 * Memory: one body at most its limit; all bodies being received together at most the budget. A
 * complete body is copied once into an array of its own size and its chunks are kept for the next
 * bodies: arrays grown by doubling as bytes arrive were half of all the heap a classify call
 * allocated (docs/benchmarks.md). {@link AdmissionMetrics} publishes the bytes held and the bodies
 * that timed out.
 */
final class ReceivedBodies {

    private static final String OUTCOME = ReceivedBodies.class.getName() + ".outcome";
    /** What a body takes at a time, so that a slow sender holds at most one chunk more than it has sent. */
    static final int CHUNK = 16 * 1024;
    /** Chunks kept for later bodies (4 MB), enough for a few hundred photos being received at once. */
    private static final int SPARE_CHUNKS = 256;

    /** A received body, or why there is none. */
    record Received(byte[] body, ServingException failure) {}

    private final long imageLimit;
    private final long requestLimit;
    private final Duration timeout;
    private final long budget;
    private final AtomicLong receiving = new AtomicLong();
    private final LongAdder timedOut = new LongAdder();
    private final Queue<byte[]> spareChunks = new ArrayBlockingQueue<>(SPARE_CHUNKS);

    ReceivedBodies(long imageLimit, long requestLimit, AdmissionProperties properties) {
        this.imageLimit = imageLimit;
        this.requestLimit = requestLimit;
        this.timeout = properties.bodyTimeout();
        this.budget = properties.maxReceiving().toBytes();
    }

    /** The limit of a single raw image body ({@code /v1}). */
    long imageLimit() {
        return imageLimit;
    }

    /** The limit of any other request body ({@code /v2} tensors). */
    long requestLimit() {
        return requestLimit;
    }

    /** Bytes held by the bodies being received or served now. */
    long receiving() {
        return receiving.get();
    }

    /** Bodies that did not arrive within the body timeout, since the start. */
    long timedOut() {
        return timedOut.sum();
    }

    /**
     * Starts receiving the request's body, or returns why it is refused at once: a declared length
     * over the limit, or no budget left for its first bytes.
     */
    ServingException receive(HttpServletRequest request, HttpServletResponse response, long limit) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            return HttpRequests.tooLarge(declared, limit);
        }
        // A body that fits in a chunk gets an array of its declared size; a larger one, chunks as it arrives.
        boolean fitsAChunk = declared >= 0 && declared <= CHUNK;
        int first = fitsAChunk ? (int) declared : CHUNK;
        if (!reserve(first)) {
            return overBudget();
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(timeout.toMillis());
        Receiver receiver = new Receiver(async, limit, declared, fitsAChunk ? new byte[first] : chunk());
        async.addListener(receiver);
        request.getInputStream().setReadListener(receiver);
        return null;
    }

    private byte[] chunk() {
        byte[] spare = spareChunks.poll();
        return spare != null ? spare : new byte[CHUNK];
    }

    private boolean reserve(long bytes) {
        if (receiving.addAndGet(bytes) > budget) {
            receiving.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Leaves what became of a request's body on it, for {@link #received} in the dispatch that follows. */
    static void attach(HttpServletRequest request, Received outcome) {
        request.setAttribute(OUTCOME, outcome);
    }

    /** What the receiver left on a request it dispatched. */
    Received received(HttpServletRequest request) {
        Object outcome = request.getAttribute(OUTCOME);
        request.removeAttribute(OUTCOME);
        return outcome instanceof Received received ? received
                : new Received(null, new ServingException(ErrorKind.INTERNAL, "request dispatched without a received body"));
    }

    private final class Receiver implements ReadListener, AsyncListener {

        private final AsyncContext async;
        private final ServletInputStream in;
        /** The most bytes the body may have: its declared length, or one past the limit. */
        private final long capacity;
        private final long limit;
        private final AtomicBoolean finished = new AtomicBoolean();
        /** Filled in order; the last one up to {@link #filled}. */
        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] current;
        private int filled;
        private long size;
        /** Bytes of the budget this body holds, returned when the request completes. */
        private long reserved;

        Receiver(AsyncContext async, long limit, long declared, byte[] first) throws IOException {
            this.async = async;
            this.in = async.getRequest().getInputStream();
            this.limit = limit;
            this.capacity = declared >= 0 ? declared : limit + 1;
            this.current = first;
            this.chunks.add(first);
            this.reserved = first.length;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!finished.get() && in.isReady()) {
                if (!room()) {
                    return;
                }
                int read = in.read(current, filled, (int) Math.min(current.length - filled, capacity - size));
                if (read < 0) {
                    return;
                }
                filled += read;
                size += read;
            }
        }

        /** Room for more of the body, unless it is complete or that passes its limit or the budget. */
        private boolean room() {
            if (size >= capacity) {
                if (size > limit) {
                    finish(new Received(null, HttpRequests.tooLarge(size, limit)));
                }
                return false;
            }
            if (filled < current.length) {
                return true;
            }
            if (!reserve(CHUNK)) {
                finish(new Received(null, overBudget()));
                return false;
            }
            reserved += CHUNK;
            current = chunk();
            chunks.add(current);
            filled = 0;
            return true;
        }

        @Override
        public void onAllDataRead() {
            if (finished.get()) {
                return;
            }
            if (size > limit) {
                finish(new Received(null, HttpRequests.tooLarge(size, limit)));
            } else {
                finish(new Received(body(), null));
            }
        }

        /**
         * The body in one array of its size. Chunks go back to the spare ones only here: no read
         * into them can still be under way, as the container calls a read listener one call at a time.
         */
        private byte[] body() {
            if (chunks.size() == 1 && current.length == size) {
                return current;
            }
            byte[] body = new byte[(int) size];
            int at = 0;
            for (byte[] chunk : chunks) {
                int length = (int) Math.min(chunk.length, size - at);
                System.arraycopy(chunk, 0, body, at, length);
                at += length;
                if (chunk.length == CHUNK) {
                    spareChunks.offer(chunk);
                }
            }
            chunks.clear();
            receiving.addAndGet(size - reserved);
            reserved = size;
            return body;
        }

        @Override
        public void onError(Throwable failure) {
            if (!finished.get()) {
                finish(new Received(null, ServingException.badRequest("the request body could not be read: "
                        + (failure == null ? "the connection failed" : failure.getMessage()))));
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            if (!finished.get()) {
                timedOut.increment();
            }
            finish(new Received(null, new ServingException(ErrorKind.BODY_TIMEOUT,
                    "the request body did not arrive within " + timeout.toMillis() + " ms (" + size + " bytes came)")));
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            receiving.addAndGet(-reserved);
            reserved = 0;
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Not restarted: the dispatch finishes the request.
        }

        private void finish(Received outcome) {
            if (finished.compareAndSet(false, true)) {
                attach((HttpServletRequest) async.getRequest(), outcome);
                async.dispatch();
            }
        }
    }

    private ServingException overBudget() {
        return new ServingException(ErrorKind.OVERLOADED,
                "the server is receiving " + budget + " bytes of request bodies already; retry shortly");
    }

    /**
     * The request with its body already received: read by {@link HttpRequests#body} as it is, and
     * by anything else from its input stream.
     */
    static final class BufferedRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public Object getAttribute(String name) {
            return HttpRequests.RECEIVED_BODY.equals(name) ? body : super.getAttribute(name);
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body has already been received");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
