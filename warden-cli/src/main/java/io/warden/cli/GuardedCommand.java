package io.warden.cli;

import io.warden.LeaseLostEvent;
import io.warden.TaskListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The command {@code warden exec} runs under the lock, as a child process with inherited stdin, stdout
 * and stderr. Owns the child's whole life: started only while the lease is held (never after a signal
 * asked warden to stop), sent the signals warden receives, and killed, with its descendants, when the
 * lease is lost and the policy says so.
 *
 * <p>State changes happen under this object's monitor; signals and lease loss arrive on other threads.
 */
final class GuardedCommand implements TaskListener {

    /** What to do with the command when the lease is lost while it runs. */
    enum OnLost {
        /** SIGTERM to the command and its descendants, SIGKILL after the grace period. */
        KILL,
        /** Let it run to its end; warden still exits with the lease-lost code. */
        IGNORE
    }

    private enum State {
        WAITING,
        RUNNING,
        DONE
    }

    /** The signals that end warden while it waits; others (USR1, USR2) are for the command only. */
    private static final java.util.Set<String> STOPS_WAITING = java.util.Set.of("INT", "TERM", "HUP");

    private final List<String> command;
    private final String lockName;
    private final OnLost onLost;
    private final Duration killGrace;
    private final PrintWriter err;
    private final ChildLaunch launch;
    private final Thread waitingThread = Thread.currentThread();

    private volatile String redisAddress = "redis";
    private volatile long fencingToken;
    private State state = State.WAITING;
    private Process process;
    private int stopSignal;
    private LeaseLostEvent lost;
    private boolean killedForLoss;
    private volatile boolean forcedKill;

    GuardedCommand(
            List<String> command,
            String lockName,
            OnLost onLost,
            Duration killGrace,
            PrintWriter err,
            ChildLaunch launch) {
        this.command = List.copyOf(command);
        this.lockName = lockName;
        this.onLost = onLost;
        this.killGrace = killGrace;
        this.err = err;
        this.launch = launch;
    }

    void redisAddress(String address) {
        this.redisAddress = address;
    }

    @Override
    public void onAcquired(String task, long token) {
        fencingToken = token;
    }

    @Override
    public void onLost(String task, LeaseLostEvent event) {
        Process running;
        synchronized (this) {
            lost = event;
            if (state != State.RUNNING) {
                return;
            }
            running = process;
            killedForLoss = onLost == OnLost.KILL;
        }
        if (onLost == OnLost.KILL) {
            Thread killer = new Thread(() -> killTree(running), "warden-kill-on-lost");
            killer.setDaemon(true);
            killer.start();
        } else {
            err.println(Problems.about(
                    lockName,
                    redisAddress,
                    "lease lost while the command runs (" + event.cause() + "); --on-lost ignore: letting it run"));
            err.flush();
        }
    }

    /**
     * A signal warden received: passed on to the command while it runs, unless the command got it too
     * (see {@link ChildLaunch}); before it starts, INT, TERM and HUP stop the wait and the command is
     * never started.
     */
    void signal(String name, int number) {
        Process running;
        synchronized (this) {
            if (state == State.WAITING) {
                if (stopSignal == 0 && STOPS_WAITING.contains(name)) {
                    stopSignal = number;
                    waitingThread.interrupt();
                }
                return;
            }
            if (state == State.DONE || !launch.passesOn(name)) {
                return;
            }
            running = process;
        }
        forward(running, name);
    }

    /** The signal that stopped warden before the command started, or 0. */
    synchronized int stopSignal() {
        return stopSignal;
    }

    /**
     * The task run under the lock: starts the command and returns its exit code. Runs on the thread that
     * lives as long as the command: the parent-death signal fires when the starting thread ends.
     */
    Integer run() throws IOException {
        CommandPath.check(command.get(0), System.getenv("PATH"));
        ProcessBuilder builder = new ProcessBuilder(launch.argv(command)).inheritIO();
        Map<String, String> env = builder.environment();
        CallerLocale.restore(env);
        env.put("WARDEN_LOCK_NAME", lockName);
        env.put("WARDEN_FENCING_TOKEN", Long.toString(fencingToken));
        Process started;
        synchronized (this) {
            if (stopSignal != 0) {
                state = State.DONE;
                return ExitCodes.SIGNAL_BASE + stopSignal;
            }
            if (lost != null) {
                state = State.DONE;
                return ExitCodes.LEASE_LOST; // reported as a lost lease by the caller; never ran
            }
            try {
                started = builder.start();
            } catch (IOException e) {
                state = State.DONE;
                throw e;
            }
            process = started;
            state = State.RUNNING;
        }
        int code = waitUninterruptibly(started);
        synchronized (this) {
            state = State.DONE;
        }
        return code;
    }

    /** What became of the command after the lease was lost, for the error line. */
    synchronized String outcomeAfterLoss(Object exitCode) {
        if (process == null) {
            return "the command was not started";
        }
        if (killedForLoss) {
            return forcedKill
                    ? "the command got SIGTERM, then SIGKILL after " + Durations.brief(killGrace) + " (exit " + exitCode
                            + ")"
                    : "the command got SIGTERM (exit " + exitCode + ")";
        }
        return "the command ran to its end (exit " + exitCode + ")";
    }

    /** {@code cmd args...} for messages. */
    String commandLine() {
        return command.stream().collect(Collectors.joining(" "));
    }

    private static int waitUninterruptibly(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void forward(Process process, String signal) {
        if (signal.equals("TERM")) {
            process.destroy();
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // No kill(1): the child keeps running and ends on its own; nothing better to do.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM to the command and its descendants (a shell's children would otherwise outlive it), then
     * SIGKILL to whatever is left after the grace period.
     */
    private void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        boolean exited;
        try {
            exited = process.waitFor(killGrace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            exited = false;
        }
        if (!exited) {
            forcedKill = true;
            process.descendants().forEach(tree::add);
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
