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
    private final ConcurrentHashMap<String, LockEntry> entries = new ConcurrentHashMap<>();
    private final ReleaseSubscriptions subscriptions;
    /** One retire action for every entry, rather than a method reference allocated per entry. */
    private final Consumer<LockEntry> retire = this::remove;

    LockTable(ReleaseSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** The live entry of a lock; callers re-ask when {@link LockEntry#enter} says it retired. */
    LockEntry entry(LockKeys keys) {
        return entries.computeIfAbsent(keys.name(), name -> new LockEntry(subscriptions, keys, retire));
    }

    /** The entry of a lock if one is live, else null. */
    @Nullable
    LockEntry existing(String name) {
        return entries.get(name);
    }

    private void remove(LockEntry entry) {
        entries.remove(entry.keys().name(), entry);
    }

    int size() {
        return entries.size();
    }

    List<LockEntry> snapshot() {
        return new ArrayList<>(entries.values());
    }
}
