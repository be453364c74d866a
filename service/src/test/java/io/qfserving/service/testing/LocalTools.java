package io.qfserving.service.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** What tests need to run a real server program of a Debian package beside them. */
final class LocalTools {

    private LocalTools() {}

    /** The executable {@code name} on the PATH, else at {@code /usr/bin/<name>} (where Debian puts it). */
    static Optional<Path> binary(String name) {
        return Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)),
                Stream.of(Path.of("/usr/bin", name)))
                .filter(Files::isExecutable).findFirst();
    }

    /** A loopback port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
