package io.warden.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts one redis-server process in the foreground and waits until it answers on its port. Knows the
 * command line, for data servers and for sentinels; knows nothing about restarts or faults.
 */
final class RedisLauncher {

    static final String HOST = "127.0.0.1";
    static final String LOG_FILE = "redis.log";
    static final String CONSOLE_FILE = "console.log";
    static final String SENTINEL_CONFIG_FILE = "sentinel.conf";

    private static final Duration READY_DEADLINE = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    /**
     * What every launch of one server shares. {@code sentinelConfig} is null for a data server; for a
     * sentinel it is the text of the config file written before its first launch.
     */
    record Settings(RedisBinary binary, boolean appendOnly, Map<String, String> extraArgs, String sentinelConfig) {
        Settings {
            extraArgs = Collections.unmodifiableMap(new LinkedHashMap<>(extraArgs));
            if (sentinelConfig != null && appendOnly) {
                throw new IllegalArgumentException("a sentinel keeps no data, so it has no AOF");
            }
        }

        boolean sentinel() {
            return sentinelConfig != null;
        }
    }

    /** The server could not bind its port, most likely because another process took it first. */
    static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    private RedisLauncher() {}

    static List<String> commandLine(Settings settings, Path dir, int port) {
        List<String> command = new ArrayList<>();
        command.add(settings.binary().path().toString());
        if (settings.sentinel()) {
            // The config file comes first; the sentinel rewrites it with what it learns (peers, epochs).
            command.add(dir.resolve(SENTINEL_CONFIG_FILE).toString());
            command.add("--sentinel");
        }
        add(command, "port", Integer.toString(port));
        add(command, "bind", HOST);
        add(command, "protected-mode", "no");
        add(command, "daemonize", "no");
        add(command, "dir", dir.toString());
        add(command, "logfile", dir.resolve(LOG_FILE).toString());
        if (settings.sentinel()) {
            settings.extraArgs().forEach((name, value) -> add(command, name, value));
            return command;
        }
        add(command, "save", "");
        add(command, "appendonly", settings.appendOnly() ? "yes" : "no");
        if (settings.appendOnly()) {
            add(command, "appendfsync", "always");
        }
        // A master otherwise waits 5 s before a diskless full sync, in case more replicas come:
        // every test that starts a replica would wait that long for it to be in sync.
        add(command, "repl-diskless-sync-delay", "0");
        if (settings.binary().majorVersion() >= 7) {
            // DEBUG (SLEEP, ...) is off by default since 7.0; 6.2 rejects the option.
            add(command, "enable-debug-command", "yes");
        }
        settings.extraArgs().forEach((name, value) -> add(command, name, value));
        return command;
    }

    /**
     * Starts the server and returns once it answers {@code INFO} with its own pid. A sentinel's config file
     * is written first unless it exists already, so a restarted sentinel keeps what it had learnt.
     *
     * @throws PortTakenException if the port was already in use
     * @throws IllegalStateException if it exits or does not answer in time, with the tail of its logs
     */
    static Process launch(Settings settings, Path dir, int port) {
        if (settings.sentinel()) {
            writeSentinelConfig(settings.sentinelConfig(), dir.resolve(SENTINEL_CONFIG_FILE));
        }
        ProcessBuilder builder = new ProcessBuilder(commandLine(settings, dir, port))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(CONSOLE_FILE).toFile()));
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + settings.binary().path(), e);
        }
        LiveProcesses.track(process);
        try {
            awaitReady(process, dir, port);
            return process;
        } catch (RuntimeException e) {
            Processes.kill(process);
            throw e;
        }
    }

    private static void writeSentinelConfig(String text, Path file) {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.writeString(file, text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void awaitReady(Process process, Path dir, int port) {
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                Processes.awaitExit(process);
                throw failure("exited with code " + process.exitValue(), dir, port);
            }
            Long answeringPid = probePid(port);
            if (answeringPid != null && answeringPid == process.pid()) {
                return;
            }
            if (answeringPid != null) {
                // Someone else's server holds the port; ours will fail to bind and exit.
                throw new PortTakenException("port " + port + " is served by pid " + answeringPid);
            }
            Pause.briefly();
        }
        throw new IllegalStateException(
                "redis-server on port " + port + " did not answer within " + READY_DEADLINE + "\n" + logTail(dir));
    }

    /** The pid the server on {@code port} reports, or null if nothing answers there yet. */
    private static Long probePid(int port) {
        try {
            Object info = RespClient.call(HOST, port, PROBE_TIMEOUT, "INFO", "server");
            return InfoParser.parse((String) info).entrySet().stream()
                    .filter(e -> e.getKey().equals("process_id"))
                    .map(e -> Long.parseLong(e.getValue()))
                    .findFirst()
                    .orElse(null);
        } catch (UncheckedIOException | RedisReplyException e) {
            return null; // Not listening yet, or still loading its data (-LOADING).
        }
    }

    private static RuntimeException failure(String what, Path dir, int port) {
        String tail = logTail(dir);
        if (tail.contains("Address already in use") || tail.contains("Could not create server TCP listening")) {
            return new PortTakenException("port " + port + " is in use:\n" + tail);
        }
        return new IllegalStateException("redis-server on port " + port + " " + what + "\n" + tail);
    }

    static String logTail(Path dir) {
        return "--- " + CONSOLE_FILE + " ---\n" + TempDirs.tail(dir.resolve(CONSOLE_FILE), 20) + "\n--- " + LOG_FILE
                + " ---\n" + TempDirs.tail(dir.resolve(LOG_FILE), 20);
    }

    private static void add(List<String> command, String name, String value) {
        command.add("--" + name);
        command.add(value);
    }
}
