package io.warden;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What Redis says about a lock at one instant, for operators ({@link LockAdmin}). It may be out of
 * date as soon as it is read; never decide to act on a lock from it.
 *
 * @param name the lock's name (for a key of the prefix that no lock name maps to, as {@link
 *     LockAdmin#list} reports it: the key without the prefix)
 * @param state held, free, or holding data Warden did not write
 * @param holder who holds it, when held and the key names a holder (a key written by other means
 *     may name none)
 * @param ttl the lock key's remaining time to live: {@link Duration#ZERO} when free, empty when the
 *     key has no expiry (Warden always sets one, so only a key written by other means lacks it; it
 *     stays until removed)
 * @param lastFencingToken the last fencing token issued for the name (0 if none, or if the counter
 *     holds something else); on Redlock the highest counter among the nodes, which may exceed the last
 *     token handed out when an attempt that missed its majority minted one on a node
 * @param foreignKey when {@link State#FOREIGN}: the Redis key that holds data Warden did not write
 *     (the lock key, its fencing counter, or a key of the prefix that no lock name maps to); empty
 *     otherwise
 * @param queued waiters in the lock's fair queue ({@link Warden#fairLock}) with a live ticket; 0 for a
 *     lock nobody waits for fairly. Waiters of a plain lock are not counted (they hold no ticket)
 * @param nextInQueue the waiter whose ticket is next (host and pid; no fencing token, no since),
 *     when {@code queued > 0}
 */
public record LockInfo(
        String name,
        State state,
        Optional<HolderInfo> holder,
        Optional<Duration> ttl,
        long lastFencingToken,
        Optional<String> foreignKey,
        long queued,
        Optional<HolderInfo> nextInQueue) {
    /** A lock's state. */
    public enum State {
        HELD,
        FREE,
        /**
         * Data Warden did not write is in the way ({@link #foreignKey()} names the key): Warden
         * neither takes nor deletes such a lock. The holder is still given if the lock key itself is a
         * held Warden lock and only its fencing counter is foreign.
         */
        FOREIGN
    }

    public LockInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(foreignKey, "foreignKey");
        Objects.requireNonNull(nextInQueue, "nextInQueue");
        if ((state == State.FOREIGN) != foreignKey.isPresent()) {
            throw new IllegalArgumentException("a foreign key is named exactly when the state is FOREIGN");
        }
    }

    /** A lock without a fair queue. */
    public LockInfo(
            String name,
            State state,
            Optional<HolderInfo> holder,
            Optional<Duration> ttl,
            long lastFencingToken,
            Optional<String> foreignKey) {
        this(name, state, holder, ttl, lastFencingToken, foreignKey, 0, Optional.empty());
    }
}
