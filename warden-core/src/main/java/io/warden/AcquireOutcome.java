package io.warden;

/**
 * How one acquisition ended, as a {@link WardenListener} is told. Re-entrant holds (an owner taking
 * a lock it already holds) are not acquisitions and are not reported.
 */
public enum AcquireOutcome {
    /** A new lease was granted. */
    ACQUIRED,
    /** The lock stayed held by another owner for the whole of a non-zero wait. */
    TIMED_OUT,
    /**
     * The lock was held by another owner on a single try ({@code tryAcquire()}, a zero wait, a
     * {@link TaskLock} run that found it taken).
     */
    SKIPPED,
    /**
     * The acquisition failed with an error: Redis unavailable, a key holding foreign data, Warden
     * closed.
     */
    FAILED,
    /** The waiter was withdrawn: its thread was interrupted, or its future cancelled. */
    CANCELLED
}
