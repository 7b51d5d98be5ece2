package io.warden.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/warden} (and so the shaded jar) as separate processes, the way users do, against one
 * test Redis given through WARDEN_REDIS_URL (REDIS_URL removed: never the default localhost:6379).
 * Closing kills every process it started and every descendant it has seen, so no warden, command or
 * orphaned grandchild outlives the test.
 */
final class Cli implements AutoCloseable {
    private static final Path LAUNCHER = Paths.get(System.getProperty("warden.cli.launcher", "../bin/warden"));
    /**
     * Restores SIGINT and SIGHUP to their defaults in every process started, as a terminal or cron
     * would start warden: a build launched in the background ({@code nohup mvn ... &}) passes them on
     * ignored, and a JVM cannot take over a signal ignored when it started, so the signal tests would
     * wait for a warden that never hears them. Empty where env(1) lacks the option (not coreutils 8.31+).
     */
    private static final List<String> DEFAULT_SIGNALS = defaultSignalsPrefix();

    private final Path dir;
    private final Map<String, String> env;
    private final List<Run> runs = new ArrayList<>();
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private boolean bare;

    Cli(String redisUri, Path dir) {
        this.dir = dir;
        this.env = new java.util.HashMap<>();
        env.put("WARDEN_REDIS_URL", redisUri);
    }

    /** Sets (or with null, removes) an environment variable for the processes started from now on. */
    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /**
     * From now on, starts processes with an environment as bare as cron's: only PATH, JAVA_HOME and the
     * variables set with {@link #env}; no LANG or LC_*, so the C locale.
     */
    Cli withoutLocale() {
        bare = true;
        return this;
    }

    Path dir() {
        return dir;
    }

    /** Starts {@code bin/warden args...}. */
    Run start(String... args) {
        return startWithInput(null, args);
    }

    /** Starts {@code bin/warden args...} with {@code stdin} as its standard input (null: none). */
    Run startWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toAbsolutePath().toString());
        command.addAll(List.of(args));
        return startProcess(stdin, command, false);
    }

    /**
     * Starts {@code bin/warden args...} as the foreground job of a fresh terminal, with script(1), whose
     * keyboard is {@link Run#type}. The terminal's output, the command's included, is the run's stdout.
     */
    Run startInTerminal(String... args) {
        StringBuilder line = new StringBuilder("exec ")
                .append(quoted(LAUNCHER.toAbsolutePath().toString()));
        for (String arg : args) {
            line.append(' ').append(quoted(arg));
        }
        return startProcess(null, List.of("script", "-qfec", line.toString(), "/dev/null"), true);
    }

    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /**
     * Starts {@code sh -c script} with bin/warden as {@code $0}: for arguments that must reach warden as
     * exact bytes (written with printf escapes), which this JVM's own locale might otherwise alter.
     */
    Run startShell(String script) {
        return startProcess(
                null, List.of("sh", "-c", script, LAUNCHER.toAbsolutePath().toString()), false);
    }

    /** Runs {@link #startShell} to its end (at most {@code timeout}). */
    Run runShell(Duration timeout, String script) {
        Run run = startShell(script);
        run.waitFor(timeout);
        return run;
    }

    private synchronized Run startProcess(String stdin, List<String> command, boolean keepInputOpen) {
        int n = runs.size();
        Path out = dir.resolve("run-" + n + ".out");
        Path err = dir.resolve("run-" + n + ".err");
        List<String> argv = new ArrayList<>(DEFAULT_SIGNALS);
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        if (bare) {
            String path = environment.get("PATH");
            environment.clear();
            environment.put("PATH", path);
        }
        environment.remove("REDIS_URL");
        environment.remove("WARDEN_REDIS_URL");
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        env.forEach((k, v) -> {
            if (v == null) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        try {
            Process process = builder.start();
            if (!keepInputOpen) {
                try (var in = process.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            Run run = new Run(process, out, err);
            runs.add(run);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code bin/warden args...} to its end (at most {@code timeout}). */
    Run run(Duration timeout, String... args) {
        Run run = start(args);
        run.waitFor(timeout);
        return run;
    }

    @Override
    public synchronized void close() {
        for (Run run : runs) {
            run.remember();
            seen.add(run.process.toHandle());
        }
        for (ProcessHandle handle : seen) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : seen) {
            handle.onExit()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .exceptionally(e -> handle)
                    .join();
        }
    }

    /** One warden process. */
    final class Run {
        private final Process process;
        private final Path out;
        private final Path err;

        private Run(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Writes {@code keys} to the standard input kept open by {@link #startInTerminal}. */
        void type(String keys) {
            try {
                process.getOutputStream().write(keys.getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for the exit and returns the exit code; fails the test if it takes over {@code timeout}. */
        int waitFor(Duration timeout) {
            remember();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("warden still running after " + timeout + "; stderr:\n" + stderr());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return process.exitValue();
        }

        int exitCode() {
            return process.exitValue();
        }

        String stdout() {
            return read(out);
        }

        byte[] stdoutBytes() {
            try {
                return Files.readAllBytes(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String stderr() {
            return read(err);
        }

        /** Sends a signal by name (TERM, INT, HUP, STOP, CONT, KILL) with kill(1). */
        void signal(String name) {
            kill(name, Long.toString(process.pid()));
        }

        /**
         * Sends a signal to the process group led by this process (started with {@code setsid}), as a
         * terminal's Ctrl-C does.
         */
        void signalGroup(String name) {
            kill(name, "-" + process.pid());
        }

        private void kill(String name, String target) {
            remember();
            try {
                Process kill = new ProcessBuilder("kill", "-s", name, "--", target)
                        .redirectErrorStream(true)
                        .start();
                kill.getInputStream().readAllBytes();
                if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                    throw new AssertionError("kill -s " + name + " -- " + target + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** The processes below warden now (its command and theirs), remembered for the cleanup. */
        List<ProcessHandle> descendants() {
            List<ProcessHandle> now = process.descendants().toList();
            seen.addAll(now);
            return now;
        }

        private void remember() {
            descendants();
        }
    }

    private static List<String> defaultSignalsPrefix() {
        List<String> prefix = List.of("env", "--default-signal=INT,HUP");
        try {
            Process probe = new ProcessBuilder(concat(prefix, List.of("true")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0 ? prefix : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
