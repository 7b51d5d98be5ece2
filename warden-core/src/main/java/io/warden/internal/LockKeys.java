package io.warden.internal;

/**
 * The Redis names of one lock: its hash, its fencing counter, its release channel, and the fair
 * queue's keys (all with the lock's hash tag).
 *
 * @param channel where this lock's waiters here are woken: the lock's release channel, or for a
 *     fair lock this Warden's own wake channel for the lock (a release tells only the next ticket's
 *     waiter)
 * @param queueKey the fair queue: a sorted set of ticket ids (only fair locks write it)
 * @param ticketPrefix the prefix of ticket keys: ticket {@code id} is {@code ticketPrefix + id}
 * @param fair whether acquisitions go through the queue
 */
record LockKeys(
        String name,
        String lockKey,
        String fenceKey,
        String channel,
        String queueKey,
        String ticketPrefix,
        boolean fair) {

    /** The keys of a plain lock; the queue keys are derived from the lock key (for inspection). */
    LockKeys(String name, String lockKey, String fenceKey, String channel) {
        this(name, lockKey, fenceKey, channel, lockKey + ":queue", lockKey + ":ticket:", false);
    }

    /** The same lock, acquired fairly, with waiters here woken on {@code wakeChannel}. */
    LockKeys fair(String wakeChannel) {
        return new LockKeys(name, lockKey, fenceKey, wakeChannel, queueKey, ticketPrefix, true);
    }

    /** The key of ticket {@code id}. */
    String ticketKey(String id) {
        return ticketPrefix + id;
    }
}
