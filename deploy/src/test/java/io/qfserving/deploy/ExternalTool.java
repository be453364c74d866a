package io.qfserving.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A command-line tool the tests run when the machine has it, and skip (saying so) when not. */
record ExternalTool(Path executable) {

    record Result(int exitCode, String output) {}

    /** The tool on the PATH; the calling test is skipped with {@code installHint} when absent. */
    static ExternalTool require(String name, String installHint) {
        Path found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        assumeTrue(found != null, name + " is not installed, so this check is skipped (" + installHint + ")");
        return new ExternalTool(found);
    }

    Result run(Path workDir, String... arguments) throws IOException, InterruptedException {
        // Output goes to a file, so a chatty tool never blocks on a full pipe.
        Path output = Files.createTempFile("qf-tool-", ".log");
        try {
            Process process = new ProcessBuilder(Stream.concat(Stream.of(executable.toString()), Stream.of(arguments)).toList())
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(executable + " " + List.of(arguments) + " did not finish in 2 minutes");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.delete(output);
        }
    }
}
