package io.warden.internal;

import org.jspecify.annotations.Nullable;

/**
 * A local waiter's acquire carried by its predecessor's release ({@link LockStore#releaseTo}): the
 * lock's gate makes the waiter the contender, the releasing lease sends both in one command, and
 * each takes its own part of the reply.
 */
interface HandOff {
    /** The waiter's attempt: its owner token, lease and holder record. */
    LockStore.Successor successor();

    /**
     * The waiter's part of the reply ({@code acquired}), or {@code error} if the outcome of the
     * whole command is unknown. Called on the store's thread; never blocks.
     */
    void replied(LockStore.@Nullable Acquired acquired, @Nullable Throwable error);
}
