package io.warden.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The local state of every lock name that has waiters or a holder in this Warden. Entries are
 * created on demand and removed when idle, so the table does not grow with the number of names
 * ever used.
 */
final class LockTable {
    /** Keyed by {@link LockKeys#gateKey}. */
    private final ConcurrentHashMap<Object, LockEntry> entries = new ConcurrentHashMap<>();

    private final ReleaseSubscriptions subscriptions;

    LockTable(ReleaseSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    /**
     * The live gate of a lock for an acquisition by {@code owner}; callers re-ask when {@link
     * LockEntry#enter} says it retired.
     */
    LockEntry entry(LockKeys keys, Object owner) {
        Object gate = keys.gateKey(owner);
        return entries.computeIfAbsent(
                gate, g -> new LockEntry(subscriptions, keys, entry -> entries.remove(gate, entry)));
    }

    /** The gate of a lock for {@code owner} if one is live, else null. */
    @Nullable
    LockEntry existing(LockKeys keys, Object owner) {
        return entries.get(keys.gateKey(owner));
    }

    int size() {
        return entries.size();
    }

    List<LockEntry> snapshot() {
        return new ArrayList<>(entries.values());
    }
}
