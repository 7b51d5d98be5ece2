package io.warden.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits on conditions in tests, with a deadline, instead of fixed sleeps. Polls every 5 ms.
 * Failing to meet the deadline throws {@link AssertionError} naming what was awaited.
 */
public final class Await {
    private Await() {}

    /** Polls {@code condition} until it holds; fails after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            sleep(5);
        }
    }

    /** Sleeps, for tests where elapsed time is the thing under test; an interrupt fails the test. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Milliseconds since a {@link System#nanoTime()} reading. */
    public static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
