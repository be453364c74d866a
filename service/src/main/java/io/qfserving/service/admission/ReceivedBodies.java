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
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request bodies received without a thread: the container calls back as data arrives, the bytes
 * collect in one array, and once the body is complete (or too large, too slow, over the budget)
 * the request is dispatched again, with the outcome as an attribute, to {@link AdmissionFilter}.
 * Memory: one body at most its limit; all bodies being received together at most the budget.
 * {@link AdmissionMetrics} publishes the bytes held and the bodies that timed out.
 */
final class ReceivedBodies {

    private static final String OUTCOME = ReceivedBodies.class.getName() + ".outcome";
    private static final int CHUNK = 16 * 1024;

    /** A received body, or why there is none. */
    record Received(byte[] body, ServingException failure) {}

    private final long imageLimit;
    private final long requestLimit;
    private final Duration timeout;
    private final long budget;
    private final AtomicLong receiving = new AtomicLong();
    private final LongAdder timedOut = new LongAdder();

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
        // Arrays grow as bytes arrive, so a slow sender holds only what it has sent.
        int initial = (int) Math.min(declared >= 0 ? declared : limit + 1, CHUNK);
        if (!reserve(initial)) {
            return overBudget();
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(timeout.toMillis());
        Receiver receiver = new Receiver(async, limit, declared, initial);
        async.addListener(receiver);
        request.getInputStream().setReadListener(receiver);
        return null;
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
        private byte[] body;
        private int size;
        /** Bytes of the budget this body holds, returned when the request completes. */
        private long reserved;

        Receiver(AsyncContext async, long limit, long declared, int initial) throws IOException {
            this.async = async;
            this.in = async.getRequest().getInputStream();
            this.limit = limit;
            this.capacity = declared >= 0 ? declared : limit + 1;
            this.body = new byte[initial];
            this.reserved = initial;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!finished.get() && in.isReady()) {
                if (size == body.length && !grow()) {
                    return;
                }
                int read = in.read(body, size, body.length - size);
                if (read < 0) {
                    return;
                }
                size += read;
            }
        }

        /** Room for more of the body, unless it is complete or that passes its limit or the budget. */
        private boolean grow() {
            if (size >= capacity) {
                if (size > limit) {
                    finish(new Received(null, HttpRequests.tooLarge(size, limit)));
                }
                return false;
            }
            int larger = (int) Math.min((long) body.length * 2, capacity);
            if (!reserve(larger - body.length)) {
                finish(new Received(null, overBudget()));
                return false;
            }
            reserved += larger - body.length;
            body = Arrays.copyOf(body, larger);
            return true;
        }

        @Override
        public void onAllDataRead() {
            if (size > limit) {
                finish(new Received(null, HttpRequests.tooLarge(size, limit)));
            } else {
                finish(new Received(size == body.length ? body : Arrays.copyOf(body, size), null));
            }
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
