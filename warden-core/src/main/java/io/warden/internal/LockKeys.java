package io.warden.internal;

import org.jspecify.annotations.Nullable;

/**
 * The Redis names of one lock: its hash, its fencing counter, its release channel; and, for one
 * side of a read-write lock, the keys that side's scripts share ({@link Shared}).
 *
 * @param lockKey the lock's hash; for a read-write lock, the writer's hash (readers hold their own
 *     keys: see {@link #leaseKey})
 * @param shared null for a plain lock
 */
record LockKeys(
        String name,
        String lockKey,
        String fenceKey,
        String channel,
        @Nullable Shared shared) {

    /** A plain lock's keys. */
    LockKeys(String name, String lockKey, String fenceKey, String channel) {
        this(name, lockKey, fenceKey, channel, null);
    }

    /** Which side of a read-write lock an acquisition takes. */
    enum Role {
        READ,
        WRITE
    }

    /**
     * The read-write lock keys besides the writer's hash.
     *
     * @param readersKey a sorted set of reader tokens, scored by the expiry recorded for each
     * @param intentKey a waiting writer's marker, with its own short TTL
     * @param readerKeyPrefix a reader's hash is this prefix followed by its owner token
     * @param companion for {@link Role#WRITE}: the acquisition's intent id (stable across its
     *     attempts); for {@link Role#READ}: the owner token of the write lease that the same owner
     *     holds (a downgrade), or empty
     */
    record Shared(Role role, String readersKey, String intentKey, String readerKeyPrefix, String companion) {}

    /** The key a lease of token {@code token} is held under: the reader's own key for a read lease. */
    String leaseKey(String token) {
        return shared != null && shared.role() == Role.READ ? shared.readerKeyPrefix() + token : lockKey;
    }

    /** These keys, with the companion of one acquisition (see {@link Shared#companion}). */
    LockKeys withCompanion(String companion) {
        if (shared == null) {
            return this;
        }
        return new LockKeys(
                name,
                lockKey,
                fenceKey,
                channel,
                new Shared(
                        shared.role(), shared.readersKey(), shared.intentKey(), shared.readerKeyPrefix(), companion));
    }

    /**
     * What the local gate of an acquisition by {@code owner} is keyed by: the name for a plain lock,
     * the name and side for a write lock, and for a read lock also the owner, since readers of
     * different owners never queue behind each other.
     */
    Object gateKey(Object owner) {
        if (shared == null) {
            return name;
        }
        return new Gate(name, shared.role(), shared.role() == Role.READ ? new Identity(owner) : null);
    }

    private record Gate(String name, Role role, @Nullable Identity owner) {}

    /** Compares owners by identity, as the gate does. */
    private static final class Identity {
        private final Object owner;

        Identity(Object owner) {
            this.owner = owner;
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof Identity that && that.owner == owner;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(owner);
        }
    }
}
