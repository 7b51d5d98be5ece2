package io.warden;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What Redis says about a lock at one instant, for operators ({@link LockAdmin}). It may be out of
 * date as soon as it is read; never decide to act on a lock from it.
 *
 * @param name the lock's name
 * @param state held, free, or holding data Warden did not write
 * @param holder who holds it, when held
 * @param ttl the key's remaining time to live ({@link Duration#ZERO} when free)
 * @param lastFencingToken the last fencing token issued for the name (0 if none); on Redlock the
 *     highest counter among the nodes, which may exceed the last token handed out when an attempt
 *     that missed its majority minted one on a node
 */
public record LockInfo(String name, State state, Optional<HolderInfo> holder, Duration ttl, long lastFencingToken) {
    /** A lock's state. */
    public enum State {
        HELD,
        FREE,
        /** The key holds data Warden did not write. */
        FOREIGN
    }

    public LockInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
    }
}
