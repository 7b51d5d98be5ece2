package io.warden.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Redis names of one lock: its hash, its fencing counter, its release channel; for one side of
 * a read-write lock, the keys that side's scripts share ({@link Shared}); and the fair queue's keys
 * (derived from the lock key, so all share its hash tag).
 *
 * <p>Keys made by {@link KeySpace#keys} keep only the name and the lock key and derive the counter
 * and the channel when asked: a held lease keeps its keys for its whole life, while only acquiring
 * reads the counter's name and only releasing the channel's. They also derive the name from the
 * lock key ({@code prefix:{name}}, the prefix free of braces), at the cost of a string per {@link
 * #name} call: hot paths ask for it only when a listener or a debug log wants it. Keys given all
 * four keep them as given.
 */
final class LockKeys {
    static final String FENCE_SUFFIX = ":fence";
    static final String CHANNEL_SUFFIX = ":released";

    /** Null when derived from {@code lockKey}: see {@link #name}. */
    private final @Nullable String name;

    private final String lockKey;
    private final @Nullable String fenceKey;
    private final @Nullable String channel;
    private final @Nullable Shared shared;
    private final boolean fair;

    /** A plain lock's keys, as given. */
    LockKeys(String name, String lockKey, String fenceKey, String channel) {
        this(
                name,
                lockKey,
                Objects.requireNonNull(fenceKey, "fenceKey"),
                Objects.requireNonNull(channel, "channel"),
                null,
                false);
    }

    /**
     * @param name the lock's name, or null to derive it from {@code lockKey}, which is then {@code
     *     prefix:{name}} with a prefix free of braces (see {@link #derived})
     * @param lockKey the lock's hash; for a read-write lock, the writer's hash (readers hold their
     *     own keys: see {@link #leaseKey})
     * @param fenceKey the fencing counter, or null for {@code lockKey:fence}
     * @param channel where this lock's waiters here are woken, or null for {@code lockKey:released}:
     *     the lock's release channel, or for a fair lock this Warden's own wake channel for the lock
     *     (a release tells only the next ticket's waiter)
     * @param shared null but for a read-write lock
     * @param fair whether acquisitions go through the fair queue
     */
    LockKeys(
            @Nullable String name,
            String lockKey,
            @Nullable String fenceKey,
            @Nullable String channel,
            @Nullable Shared shared,
            boolean fair) {
        this.name = name;
        this.lockKey = Objects.requireNonNull(lockKey, "lockKey");
        if (name == null && (lockKey.indexOf('{') < 0 || !lockKey.endsWith("}"))) {
            throw new IllegalArgumentException("no name given, and lock key '" + lockKey + "' is not prefix:{name}");
        }
        this.fenceKey = fenceKey;
        this.channel = channel;
        this.shared = shared;
        this.fair = fair;
    }

    /**
     * The keys of a plain lock whose lock key is {@code prefix:{name}} (a prefix without braces),
     * counter {@code lockKey:fence} and channel {@code lockKey:released}: only the lock key is kept.
     */
    static LockKeys derived(String name, String lockKey) {
        int open = lockKey.indexOf('{');
        if (open < 0
                || !lockKey.endsWith("}")
                || !lockKey.regionMatches(open + 1, name, 0, name.length())
                || open + 1 + name.length() != lockKey.length() - 1) {
            throw new IllegalArgumentException("lock key '" + lockKey + "' is not prefix:{" + name + "}");
        }
        return new LockKeys(null, lockKey, null, null, null, false);
    }

    /** The lock's name; for derived keys, a new string cut from the lock key on each call. */
    String name() {
        return name != null ? name : lockKey.substring(lockKey.indexOf('{') + 1, lockKey.length() - 1);
    }

    String lockKey() {
        return lockKey;
    }

    String fenceKey() {
        return fenceKey != null ? fenceKey : lockKey + FENCE_SUFFIX;
    }

    String channel() {
        return channel != null ? channel : lockKey + CHANNEL_SUFFIX;
    }

    @Nullable
    Shared shared() {
        return shared;
    }

    boolean fair() {
        return fair;
    }

    /** The fair queue: a sorted set of ticket ids (only fair locks write it). */
    String queueKey() {
        return lockKey + ":queue";
    }

    /** The prefix of ticket keys: ticket {@code id} is {@code ticketPrefix + id}. */
    String ticketPrefix() {
        return lockKey + ":ticket:";
    }

    /** The key of ticket {@code id}. */
    String ticketKey(String id) {
        return ticketPrefix() + id;
    }

    /** The same lock, acquired fairly, with waiters here woken on {@code wakeChannel}. */
    LockKeys fair(String wakeChannel) {
        return new LockKeys(name, lockKey, fenceKey, Objects.requireNonNull(wakeChannel), shared, true);
    }

    /** Which side of a read-write lock an acquisition takes. */
    enum Role {
        READ,
        WRITE
    }

    /**
     * The read-write lock keys besides the writer's hash, and what one acquisition adds to them.
     *
     * @param readersKey a sorted set of reader tokens, scored by the expiry recorded for each
     * @param intentKey a waiting writer's marker, with its own short TTL
     * @param readerKeyPrefix a reader's hash is this prefix followed by its owner token
     * @param waitingKey readers waiting behind a waiting writer (they go after it): a sorted set of
     *     reader intent ids scored by the expiry of each registration
     * @param admittedKey readers admitted to the next read phase (they go before the next writer): a
     *     sorted set like {@code waitingKey}
     * @param intentId the acquisition's id, the same across its attempts: a writer's marker, or a
     *     reader's registration while it waits; empty for an acquisition that does not wait (it leaves
     *     nothing behind)
     * @param downgradeFrom for {@link Role#READ}: the owner token of the write lease that the same
     *     owner holds (a downgrade), or empty
     * @param otherChannel the other side's release channel: each side's waiters listen on their own
     *     ({@link #channel()}), so that a message wakes only those who may get in
     */
    record Shared(
            Role role,
            String readersKey,
            String intentKey,
            String readerKeyPrefix,
            String waitingKey,
            String admittedKey,
            String intentId,
            String downgradeFrom,
            String otherChannel) {
        /** The writers' release channel, given this side's {@code channel}. */
        String writersChannel(String channel) {
            return role == Role.WRITE ? channel : otherChannel;
        }

        /** The readers' release channel, given this side's {@code channel}. */
        String readersChannel(String channel) {
            return role == Role.READ ? channel : otherChannel;
        }
    }

    /** The key a lease of token {@code token} is held under: the reader's own key for a read lease. */
    String leaseKey(String token) {
        return shared != null && shared.role() == Role.READ ? shared.readerKeyPrefix() + token : lockKey;
    }

    /** These keys, for one acquisition of intent id {@code intentId} (see {@link Shared#intentId}). */
    LockKeys withIntent(String intentId) {
        return shared == null ? this : with(intentId, shared.downgradeFrom());
    }

    /** These keys, for a read acquisition by the holder of write lease {@code writeToken}. */
    LockKeys withDowngradeFrom(String writeToken) {
        return shared == null ? this : with(shared.intentId(), writeToken);
    }

    private LockKeys with(String intentId, String downgradeFrom) {
        Shared s = Objects.requireNonNull(shared, "shared");
        return new LockKeys(
                name,
                lockKey,
                fenceKey,
                channel,
                new Shared(
                        s.role(),
                        s.readersKey(),
                        s.intentKey(),
                        s.readerKeyPrefix(),
                        s.waitingKey(),
                        s.admittedKey(),
                        intentId,
                        downgradeFrom,
                        s.otherChannel()),
                fair);
    }

    /**
     * What the local gate of an acquisition by {@code owner} is keyed by: the name for a plain lock,
     * the name and side for a write lock, and for a read lock also the owner, since readers of
     * different owners never queue behind each other.
     */
    Object gateKey(Object owner) {
        if (shared == null) {
            return lockKey; // one per name under this Warden's prefix, and kept anyway: no string made
        }
        return new Gate(name(), shared.role(), shared.role() == Role.READ ? new Identity(owner) : null);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof LockKeys that
                && name().equals(that.name())
                && lockKey.equals(that.lockKey)
                && fenceKey().equals(that.fenceKey())
                && channel().equals(that.channel())
                && Objects.equals(shared, that.shared)
                && fair == that.fair;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name(), lockKey, fenceKey(), channel(), shared, fair);
    }

    @Override
    public String toString() {
        return "LockKeys[name=" + name() + ", lockKey=" + lockKey + ", fenceKey=" + fenceKey() + ", channel="
                + channel() + (shared == null ? "" : ", shared=" + shared) + (fair ? ", fair" : "") + "]";
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
