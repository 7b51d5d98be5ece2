package io.warden.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main class running in a separate JVM, for tests that need several processes (for example two
 * lock holders, one of which is killed or frozen). The child uses this JVM's {@code java.home} and class
 * path, with options for a quick start ({@code -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}); its
 * standard input is closed and its stdout and stderr are collected line by line. A shutdown hook kills it
 * if the test forgets to. Thread-safe.
 *
 * <p>Does not forward system properties, agents or debug options of this JVM, nor guarantee anything about
 * how quickly the child starts on a loaded machine: wait for a line it prints, not for a fixed time.
 */
public final class ChildJvm implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Process process;
    private final String name;
    private final LineCollector stdout;
    private final LineCollector stderr;

    private ChildJvm(Process process, String name) {
        this.process = process;
        this.name = name;
        this.stdout = new LineCollector(process.getInputStream(), "child-" + process.pid() + "-stdout");
        this.stderr = new LineCollector(process.getErrorStream(), "child-" + process.pid() + "-stderr");
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Through the environment rather than -cp: a long class path cannot overflow the command line.
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        try {
            Process process = builder.start();
            LiveProcesses.track(process);
            process.getOutputStream().close();
            return new ChildJvm(process, mainClass.getSimpleName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + mainClass.getName(), e);
        }
    }

    /** The child's pid. */
    public long pid() {
        return process.pid();
    }

    /** True until the process has exited. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every stdout line so far, in order. */
    public List<String> stdout() {
        return stdout.lines();
    }

    /** Every stderr line so far, in order. */
    public List<String> stderr() {
        return stderr.lines();
    }

    /**
     * Stdout lines not yet taken, oldest first. {@link #awaitLine} takes from the same queue; {@link
     * #stdout()} is unaffected by either.
     */
    public BlockingQueue<String> stdoutQueue() {
        return stdout.unread();
    }

    /**
     * Takes lines from {@link #stdoutQueue()}, discarding those that do not match, until one matches, and
     * returns it.
     *
     * @throws IllegalStateException if none matches within {@code timeout} or the child's output ends first;
     *     the message holds the tail of its stderr
     */
    public String awaitLine(Predicate<String> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line =
                        stdout.unread().poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (line != null && matcher.test(line)) {
                    return line;
                }
                if (line == null && stdout.isFinished() && stdout.unread().isEmpty()) {
                    throw new IllegalStateException(this + " ended its output without a matching line" + stderrTail());
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException(
                            this + " printed no matching line within " + timeout + stderrTail());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for output of " + this, e);
        }
    }

    /** SIGKILL; returns once the process is gone. */
    public void kill() {
        Processes.kill(process);
    }

    /** SIGSTOP: every thread of the child freezes until {@link #resume()}. */
    public void pause() {
        Signals.send(process.pid(), "STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        Signals.send(process.pid(), "CONT");
    }

    /** SIGTERM, which runs the child's shutdown hooks; does not wait (see {@link #waitFor}). */
    public void terminate() {
        process.destroy();
    }

    /**
     * Waits for the child to exit and returns its exit code.
     *
     * @throws IllegalStateException if it is still running after {@code timeout}
     */
    public int waitFor(Duration timeout) {
        if (!Processes.awaitExit(process, timeout)) {
            throw new IllegalStateException(this + " still running after " + timeout);
        }
        LiveProcesses.untrack(process);
        return process.exitValue();
    }

    /** Kills the child if it is still alive. Idempotent. */
    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return "ChildJvm[" + name + ", pid " + process.pid() + "]";
    }

    private String stderrTail() {
        List<String> lines = stderr();
        return "\n--- stderr ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
