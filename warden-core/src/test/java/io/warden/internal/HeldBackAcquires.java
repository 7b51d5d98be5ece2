package io.warden.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A store that runs each acquire at the server at once and holds its reply back until the test
 * delivers it, in order: a reply that is late, with the command already applied.
 */
final class HeldBackAcquires extends ForwardingStore {
    private final List<Runnable> pending = new ArrayList<>();
    private int sent;

    HeldBackAcquires(LockStore inner) {
        super(inner);
    }

    @Override
    public synchronized CompletableFuture<Acquired> acquire(
            LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
        sent++;
        CompletableFuture<Acquired> ran = inner.acquire(keys, token, ttlMillis, stamp, waits);
        CompletableFuture<Acquired> reply = new CompletableFuture<>();
        pending.add(() -> ran.whenComplete((value, error) -> {
            if (error != null) {
                reply.completeExceptionally(error);
            } else {
                reply.complete(value);
            }
        }));
        return reply;
    }

    /** Acquires sent so far. */
    synchronized int sent() {
        return sent;
    }

    /** Delivers every reply held so far, in the order the acquires were sent. */
    void deliver() {
        List<Runnable> now;
        synchronized (this) {
            now = List.copyOf(pending);
            pending.clear();
        }
        now.forEach(Runnable::run);
    }
}
