package io.qfserving.service.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wrk load generator (Debian's wrk), a process of its own that shares neither JIT nor GC with
 * the server, posting each image of a folder in turn to one classify URI ({@code classify-photos.lua})
 * and counting the answers by status.
 */
final class Wrk {

    record Result(Map<Integer, Integer> statuses, int errors, double seconds) {

        int count(int from, int to) {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() <= to).mapToInt(Map.Entry::getValue).sum();
        }

        /** Answers a second with that status, or every answer and error for 0. */
        double rate(int status) {
            return (status == 0 ? count(0, 999) + errors : count(status, status)) / seconds;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.1f req/s: 2xx %.1f/s, 429 %.1f/s, other %d, socket errors %d", rate(0),
                    rate(200), rate(429), count(0, 999) - count(200, 200) - count(429, 429), errors);
        }
    }

    private final URI target;
    private final Path images;
    private final Path script;

    /** @param target the classify URI every request goes to */
    Wrk(URI target, Path images) throws IOException {
        this.target = target;
        this.images = images;
        this.script = Files.createTempFile("classify-photos", ".lua");
        try (var in = Wrk.class.getResourceAsStream("/bench/classify-photos.lua")) {
            Files.write(script, in.readAllBytes());
        }
    }

    /** Whether wrk is on the PATH. */
    static boolean installed() {
        return Pattern.compile(java.io.File.pathSeparator).splitAsStream(System.getenv().getOrDefault("PATH", ""))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, "wrk")));
    }

    /** {@code connections} connections for {@code duration}, each waiting a mean of {@code thinkMillis} between requests. */
    Result run(int connections, double thinkMillis, Duration duration) throws IOException, InterruptedException {
        // wrk wants at least a connection per thread.
        ProcessBuilder builder =
                new ProcessBuilder("wrk", "-t" + Math.min(2, connections), "-c" + connections, "-d" + duration.toSeconds() + "s",
                        "-s", script.toString(), target.resolve("/").toString());
        builder.environment().put("PHOTOS", images.toAbsolutePath().toString());
        builder.environment().put("CLASSIFY_PATH", target.getRawPath());
        builder.environment().put("DELAY_MS", Long.toString(Math.round(thinkMillis)));
        Process wrk = builder.redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        Matcher status = Pattern.compile("^status (\\d+) (\\d+)$", Pattern.MULTILINE).matcher(output);
        while (status.find()) {
            statuses.put(Integer.parseInt(status.group(1)), Integer.parseInt(status.group(2)));
        }
        return new Result(statuses, Integer.parseInt(value(output, "errors")), Double.parseDouble(value(output, "seconds")));
    }

    private static String value(String output, String name) {
        Matcher matcher = Pattern.compile("^" + name + " (\\S+)$", Pattern.MULTILINE).matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in wrk's output: " + output);
        }
        return matcher.group(1);
    }
}
