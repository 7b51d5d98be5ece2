package io.warden.internal;

/**
 * Runs tasks later: watchdog ticks and waiters' timers. Delays are measured on the same clock as
 * the engine's {@link Ticker}. Tasks must be short and must never block (they run on one thread).
 */
interface Scheduler {
    /** Runs {@code task} once after {@code delayNanos} (at once if not positive). */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task; cancelling a task that already ran or was cancelled does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
