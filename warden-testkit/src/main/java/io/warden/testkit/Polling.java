package io.warden.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for the state of several servers to settle: polls a check that describes what is still wrong (or
 * null once all is well), and on timeout fails with the last description. A check that throws (a node just
 * died, or answers {@code -LOADING}) counts as not yet well. Polls every 100 ms, since one check may send
 * commands to every node of a topology.
 */
final class Polling {

    private static final long INTERVAL_MILLIS = 100;

    private Polling() {}

    /**
     * Polls {@code problem} until it returns null.
     *
     * @throws AssertionError after {@code timeout}, as {@link Await} does, naming {@code what} was awaited
     *     and the last problem seen
     */
    static void until(String what, Duration timeout, Supplier<String> problem) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String last;
            try {
                last = problem.get();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            if (last == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        "timed out after " + timeout + " waiting until " + what + "; last seen: " + last);
            }
            Await.sleep(INTERVAL_MILLIS);
        }
    }
}
