package io.warden.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
    private final Watchdog watchdog;
    /** One retire action for every entry, rather than a method reference allocated per entry. */
    private final Consumer<LockEntry> retire = this::remove;

    LockTable(ReleaseSubscriptions subscriptions, Watchdog watchdog) {
        this.subscriptions = subscriptions;
        this.watchdog = watchdog;
    }

    /**
     * The live gate of a lock for an acquisition by {@code owner}; callers re-ask when {@link
     * LockEntry#enter} says it retired.
     */
    LockEntry entry(LockKeys keys, Object owner) {
        // A plain lock's gate is its lock key, which the shared retire action finds from the entry.
        return entries.computeIfAbsent(
                keys.gateKey(owner),
                gate -> new LockEntry(
                        subscriptions,
                        watchdog,
                        keys,
                        keys.shared() == null ? retire : entry -> entries.remove(gate, entry)));
    }

    private void remove(LockEntry entry) {
        entries.remove(entry.keys().lockKey(), entry);
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
