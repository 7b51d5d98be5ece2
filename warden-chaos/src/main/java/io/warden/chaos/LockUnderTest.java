package io.warden.chaos;

import java.time.Duration;
import java.util.function.Consumer;

/** The lock a worker exercises: Warden, or a deliberately broken one the checker must catch. */
interface LockUnderTest extends AutoCloseable {

    /** Waits up to {@code wait}; throws on timeout or error. */
    Holding acquire(Duration wait) throws InterruptedException;

    /** Leases currently held by this process, as the lock sees it; for the leak check at the end. */
    long heldCount();

    @Override
    void close();

    /** One acquisition. */
    interface Holding {
        long token();

        /** The holder's belief that it still holds the lock; reads the clock. */
        boolean isHeld();

        /** Runs {@code listener} with the cause if the holding is lost (never for the broken lock). */
        void onLost(Consumer<String> listener);

        /** Sends the release and waits for it; throws if it failed. */
        void release();
    }
}
