package io.qfserving.service.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis (the {@code redis-server} binary, as Debian packages it) on a free 127.0.0.1 port,
 * without persistence. It can be stopped and started again on the same port, as an outage would.
 *
 * <p>Where no binary is installed, {@link #start()} aborts the calling test (JUnit skips it, saying
 * why) instead of failing: CI installs it, a developer machine may not have it.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final Path directory;
    private final int port;
    private Process process;

    private RedisServer(Path binary, Path directory, int port) {
        this.binary = binary;
        this.directory = directory;
        this.port = port;
    }

    /** Starts Redis on a free port and returns once it answers PING. */
    public static RedisServer start() {
        Path binary = LocalTools.binary("redis-server").orElse(null);
        if (binary == null) {
            Assumptions.abort("Redis is not installed (no redis-server on the PATH or in /usr/bin); "
                    + "install it (Debian: apt-get install redis-server) to run this test");
        }
        try {
            RedisServer server = new RedisServer(binary, Files.createTempDirectory("qf-redis"), LocalTools.freePort());
            server.restart();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code redis://127.0.0.1:<port>}, for {@code spring.data.redis.url}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts it again, on the same port, after {@link #stop()}; returns once it answers PING. */
    public synchronized void restart() {
        try {
            process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", directory.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!"+PONG".equals(command("PING"))) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-server did not answer on port " + port + "; its log: " + log());
            }
            sleep();
        }
    }

    /** Kills it, as a crash would: clients see their connections drop. */
    public synchronized void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one inline command and returns the first line of the reply, or null when nobody answers. */
    public String command(String inline) {
        List<String> reply = reply(inline, 1);
        return reply.isEmpty() ? null : reply.getFirst();
    }

    /** How many clients are subscribed to {@code channel} ({@code PUBSUB NUMSUB}); 0 when nobody answers. */
    public long subscribers(String channel) {
        // The reply is an array of the channel's name (two lines) and its count (one line, ":<n>").
        List<String> reply = reply("PUBSUB NUMSUB " + channel, 4);
        return reply.size() == 4 ? Long.parseLong(reply.get(3).substring(1)) : 0;
    }

    private List<String> reply(String inline, int lines) {
        List<String> reply = new ArrayList<>();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            while (reply.size() < lines) {
                int c = in.read();
                if (c < 0) {
                    break;
                } else if (c == '\n') {
                    reply.add(line.toString());
                    line.setLength(0);
                } else if (c != '\r') {
                    line.append((char) c);
                }
            }
        } catch (IOException notAnswering) {
            return List.of();
        }
        return reply;
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
