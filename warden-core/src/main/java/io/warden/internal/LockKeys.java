package io.warden.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Redis names of one lock: its hash, its fencing counter, its release channel. Keys made by
 * {@link KeySpace} keep only the name and the lock key and derive the other two when asked (a held
 * lease keeps its keys for its whole life, and only acquiring reads the counter's name and only
 * releasing the channel's); keys given all four keep them as given.
 */
final class LockKeys {
    static final String FENCE_SUFFIX = ":fence";
    static final String CHANNEL_SUFFIX = ":released";

    private final String name;
    private final String lockKey;
    private final @Nullable String fenceKey;
    private final @Nullable String channel;

    LockKeys(String name, String lockKey, String fenceKey, String channel) {
        this.name = Objects.requireNonNull(name, "name");
        this.lockKey = Objects.requireNonNull(lockKey, "lockKey");
        this.fenceKey = Objects.requireNonNull(fenceKey, "fenceKey");
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    private LockKeys(String name, String lockKey) {
        this.name = name;
        this.lockKey = lockKey;
        this.fenceKey = null;
        this.channel = null;
    }

    /** The keys of a lock whose counter is {@code lockKey:fence} and channel {@code lockKey:released}. */
    static LockKeys derived(String name, String lockKey) {
        return new LockKeys(Objects.requireNonNull(name, "name"), Objects.requireNonNull(lockKey, "lockKey"));
    }

    String name() {
        return name;
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

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof LockKeys that
                && name.equals(that.name)
                && lockKey.equals(that.lockKey)
                && fenceKey().equals(that.fenceKey())
                && channel().equals(that.channel());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, lockKey, fenceKey(), channel());
    }

    @Override
    public String toString() {
        return "LockKeys[name=" + name + ", lockKey=" + lockKey + ", fenceKey=" + fenceKey() + ", channel=" + channel()
                + "]";
    }
}
