package io.qfserving.service.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.qfserving.service.errors.ErrorKind;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/**
 * Receiving a body as the container delivers it: in pieces, each announced by a call of the read
 * listener, with or without a declared length. (A real container and real slow senders: see
 * {@code AdmissionApiTests} and the {@code slow-senders} operator scenario.)
 */
class ReceivedBodiesTests {

    private static final int LIMIT = 1 << 20;
    private static final int CHUNK = ReceivedBodies.CHUNK;

    private final ReceivedBodies bodies = withLimit(LIMIT);

    private static ReceivedBodies withLimit(int limit) {
        return new ReceivedBodies(limit, limit,
                new AdmissionProperties(true, 16, 16, 24, 3.0, Duration.ofSeconds(10), DataSize.ofMegabytes(256),
                        DataSize.ofKilobytes(32)));
    }

    /** A request whose body arrives when {@link #deliver} says so, as a container's would. */
    private static final class Arriving extends MockHttpServletRequest {

        private final Deque<byte[]> pieces = new ArrayDeque<>();
        private byte[] piece = new byte[0];
        private int read;
        private boolean ended;
        private ReadListener listener;

        private final ServletInputStream in = new ServletInputStream() {
            @Override
            public boolean isReady() {
                return read < piece.length || !pieces.isEmpty();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (read == piece.length) {
                    piece = pieces.poll();
                    read = 0;
                }
                int n = Math.min(length, piece.length - read);
                System.arraycopy(piece, read, buffer, offset, n);
                read += n;
                return n;
            }

            @Override
            public int read() {
                throw new UnsupportedOperationException("read in bulk");
            }

            @Override
            public boolean isFinished() {
                return ended && !isReady();
            }

            @Override
            public void setReadListener(ReadListener readListener) {
                listener = readListener;
            }
        };

        Arriving(Integer declaredLength) {
            super("POST", "/v1/classify");
            setAsyncSupported(true);
            if (declaredLength != null) {
                setContentType("image/jpeg");
                addHeader("Content-Length", declaredLength);
            }
        }

        @Override
        public ServletInputStream getInputStream() {
            return in;
        }

        @Override
        public long getContentLengthLong() {
            String declared = getHeader("Content-Length");
            return declared == null ? -1 : Long.parseLong(declared);
        }

        /** Makes {@code bytes} readable and tells the listener, as the container does when data arrives. */
        void deliver(byte[] bytes) throws IOException {
            pieces.add(bytes);
            listener.onDataAvailable();
        }

        /** The end of the body: the listener hears of it once everything has been read. */
        void end() throws IOException {
            ended = true;
            if (!in.isReady()) {
                listener.onAllDataRead();
            }
        }
    }

    private Arriving receive(byte[] body, boolean declared, int piece) throws IOException {
        Arriving request = new Arriving(declared ? body.length : null);
        assertThat(bodies.receive(request, new MockHttpServletResponse(), LIMIT)).isNull();
        for (int at = 0; at < body.length; at += piece) {
            request.deliver(Arrays.copyOfRange(body, at, Math.min(body.length, at + piece)));
        }
        request.end();
        return request;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Stream<Arguments> bodies() {
        return Stream.of(0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 100_000, LIMIT)
                .flatMap(size -> Stream.of(true, false)
                        .flatMap(declared -> Stream.of(1_000, 7_000, 64 * 1024).map(piece -> Arguments.of(size, declared, piece))));
    }

    @ParameterizedTest(name = "{0} bytes, declared {1}, arriving {2} at a time")
    @MethodSource("bodies")
    void theBodyReceivedIsTheBodySentAndItsMemoryIsReturned(int size, boolean declared, int piece) throws IOException {
        byte[] sent = random(size, size);
        Arriving request = receive(sent, declared, piece);

        ReceivedBodies.Received received = bodies.received(request);
        assertThat(received.failure()).isNull();
        assertThat(received.body()).isEqualTo(sent);
        assertThat(bodies.receiving()).isEqualTo(size);
        request.getAsyncContext().complete();
        assertThat(bodies.receiving()).isZero();
    }

    @Test
    void aBodyStaysAsReceivedWhileLaterBodiesReuseItsChunks() throws IOException {
        byte[] first = random(100_000, 1);
        byte[] kept = bodies.received(receive(first, true, 7_000)).body();
        for (int i = 0; i < 3; i++) {
            assertThat(bodies.received(receive(random(100_000, 2 + i), false, 5_000)).body()).isEqualTo(random(100_000, 2 + i));
        }
        assertThat(kept).isEqualTo(first);
    }

    @Test
    void aSlowSenderHoldsAtMostAChunkMoreThanItHasSent() throws IOException {
        Arriving request = new Arriving(LIMIT);
        bodies.receive(request, new MockHttpServletResponse(), LIMIT);
        assertThat(bodies.receiving()).isEqualTo(CHUNK);
        request.deliver(new byte[1]);
        assertThat(bodies.receiving()).isEqualTo(CHUNK);
        request.deliver(new byte[40_000]);
        assertThat(bodies.receiving()).isEqualTo(3 * CHUNK);
    }

    @ParameterizedTest(name = "declared {0}")
    @ValueSource(booleans = {true, false})
    void aBodyOverTheLimitIsRefusedOnceItPassesIt(boolean declared) throws IOException {
        int limit = 3 * CHUNK;
        Arriving request = new Arriving(declared ? limit + 1 : null);
        ReceivedBodies small = withLimit(limit);
        if (declared) {
            assertThat(small.receive(request, new MockHttpServletResponse(), limit).kind()).isEqualTo(ErrorKind.TOO_LARGE);
            return;
        }
        assertThat(small.receive(request, new MockHttpServletResponse(), limit)).isNull();
        request.deliver(new byte[limit + 10_000]);

        ReceivedBodies.Received received = small.received(request);
        assertThat(received.body()).isNull();
        assertThat(received.failure().kind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(received.failure().getMessage()).contains("over " + limit + " bytes");
    }
}
