package io.warden.chaos;

import java.time.Duration;
import java.util.function.Consumer;

/** The lock a worker exercises: Warden, or a deliberately broken one the checker must catch. */
interface LockUnderTest extends AutoCloseable {

    /** Waits up to {@code wait} with the default (watchdog) lease; throws on timeout or error. */
    Holding acquire(Duration wait) throws InterruptedException;

    /**
     * As {@link #acquire(Duration)}, with a watched lease longer than the command timeout when {@code
     * longLease}: a release that timed out then leaves a lease still valid locally, which the same thread
     * can re-enter.
     */
    default Holding acquire(Duration wait, boolean longLease) throws InterruptedException {
        return acquire(wait);
    }

    /**
     * Acquires, runs {@code body}, releases; as {@code callLocked} ({@code runLocked} when {@code
     * runnable}). The default goes through {@link #acquire(Duration)}.
     */
    default void runLocked(Duration wait, boolean runnable, Runnable body) throws InterruptedException {
        Holding held = acquire(wait);
        try {
            body.run();
        } finally {
            held.release();
        }
    }

    /** The calling thread's belief that it holds the lock (inside a {@link #runLocked} body). */
    default boolean isHeldByCurrentThread() {
        return true;
    }

    /** Whether the worker should use the lock's guarded-execution and re-entrant paths at all. */
    default boolean exercisesAllPaths() {
        return false;
    }

    /** Leases currently held by this process, as the lock sees it; for the leak check at the end. */
    long heldCount();

    @Override
    void close();

    /** One acquisition. */
    interface Holding {
        long token();

        /** The holder's belief that it still holds the lock; reads the clock. */
        boolean isHeld();

        /** The holder's estimate of its remaining lease, in milliseconds (for the checker). */
        default long remainingMillis() {
            return -1;
        }

        /** Runs {@code listener} with the cause if the holding is lost (never for the broken lock). */
        void onLost(Consumer<String> listener);

        /** Sends the release and waits for it; throws if it failed. */
        void release();
    }
}
