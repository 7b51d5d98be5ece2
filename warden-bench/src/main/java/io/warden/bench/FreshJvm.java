package io.warden.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one library in one round of one scenario in a new JVM ({@link RunMain}) with the same java
 * binary, class path and JVM options as this one, and reads back its figures. No client, thread, JIT
 * profile or heap of one run can then affect another; each run warms itself up.
 *
 * <p>The child's stdout and stderr go to a log file beside its results; a failure quotes its tail.
 */
final class FreshJvm {
    private static final int LOG_TAIL = 4_000;

    private FreshJvm() {}

    static List<RunResult> run(
            Scenario scenario, Library library, int round, Mode mode, RedisAddress redis, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String name = scenario.id() + "-" + library.id() + "-r" + round;
        Path out = dir.resolve(name + ".jsonl");
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(out);
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add(RunMain.class.getName());
        command.addAll(List.of(
                scenario.id(),
                library.id(),
                Integer.toString(round),
                mode.name(),
                redis.host(),
                Integer.toString(redis.port()),
                out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Through the environment rather than -cp, as S4 and the test kit do: no command-line limit.
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        // Their options are already among this JVM's input arguments.
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw failure(name + " did not finish within " + timeout.toSeconds() + " s", log);
        }
        if (process.exitValue() != 0 || !Files.exists(out)) {
            throw failure(name + " exited with status " + process.exitValue(), log);
        }
        List<RunResult> results = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                results.add(RunResult.fromJson(line));
            }
        }
        return results;
    }

    private static IllegalStateException failure(String what, Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        String cause = text.lines()
                .filter(line -> line.contains("Exception") || line.contains("Error"))
                .filter(line -> !line.startsWith("\t"))
                .reduce((first, second) -> second)
                .orElse("no exception in the log");
        return new IllegalStateException(
                what + ": " + cause + " (log " + log + ")\n" + text.substring(Math.max(0, text.length() - LOG_TAIL)));
    }
}
