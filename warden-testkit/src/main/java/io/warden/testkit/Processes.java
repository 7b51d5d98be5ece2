package io.warden.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Ends processes the test kit started and waits for them, keeping {@link LiveProcesses} in step. */
final class Processes {

    private Processes() {}

    /** SIGKILL, then wait until the process is gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        awaitExit(process);
        LiveProcesses.untrack(process);
    }

    /**
     * SIGCONT (a stopped process would not act on SIGTERM), SIGTERM, and SIGKILL if it has not exited
     * within {@code grace}; returns once it is gone.
     */
    static void terminate(Process process, Duration grace) {
        if (process.isAlive()) {
            try {
                Signals.send(process.pid(), "CONT");
            } catch (IllegalStateException e) {
                // It exited between the check and the signal.
            }
            process.destroy();
            if (!awaitExit(process, grace)) {
                process.destroyForcibly();
            }
        }
        awaitExit(process);
        LiveProcesses.untrack(process);
    }

    /** Waits for the process to exit, at most {@code timeout}; true if it did. Keeps the interrupt flag. */
    static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Waits for the process to exit, however long; for processes already sent SIGKILL. */
    static void awaitExit(Process process) {
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
