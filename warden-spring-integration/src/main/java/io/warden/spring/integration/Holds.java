package io.warden.spring.integration;

import io.warden.Lease;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The lease handles each thread holds through one registry, per lock name: a stack, since a thread
 * that locks again gets another handle on the same (re-entrant) lease. Only the holding thread
 * pushes, peeks and pops its own stack, so a stack needs no lock of its own; other threads only ask
 * whether a name is held at all. Kept in the registry rather than in its {@code Lock} objects, so
 * that every object obtained for a name, even one evicted by {@code expireUnusedOlderThan} and
 * obtained again, unlocks the same holds.
 */
final class Holds {
    private record Holder(Thread thread, String name) {}

    private final Map<Holder, Deque<Lease>> held = new ConcurrentHashMap<>();

    /** The calling thread took another hold on {@code name}. */
    void push(String name, Lease lease) {
        held.computeIfAbsent(new Holder(Thread.currentThread(), name), h -> new ArrayDeque<>())
                .push(lease);
    }

    /** The calling thread's innermost hold on {@code name}, or null if it holds none. */
    @Nullable
    Lease peek(String name) {
        Deque<Lease> leases = held.get(new Holder(Thread.currentThread(), name));
        return leases == null ? null : leases.peek();
    }

    /** Removes and returns the calling thread's innermost hold on {@code name}, or null. */
    @Nullable
    Lease pop(String name) {
        Holder holder = new Holder(Thread.currentThread(), name);
        Deque<Lease> leases = held.get(holder);
        if (leases == null) {
            return null;
        }
        Lease lease = leases.pop();
        if (leases.isEmpty()) {
            held.remove(holder);
        }
        return lease;
    }

    /** True if any thread holds {@code name} through this registry. */
    boolean anyHolds(String name) {
        for (Holder holder : held.keySet()) {
            if (holder.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
