package io.warden.internal;

import io.lettuce.core.RedisConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link LockStore} that counts renewal calls on their way to {@code inner}, independently of
 * the engine's own metrics, and can fail them (as a refused connection does) or hold them back
 * until the test lets them run.
 */
final class CountingStore extends ForwardingStore {
    private final Ticker ticker;
    private final List<Long> renewCallTimes = new ArrayList<>();
    private final List<Runnable> heldRenewals = new ArrayList<>();
    private final List<Long> batchSizes = new ArrayList<>();
    private long renewedKeys;
    private boolean failRenewals;
    private boolean holdRenewals;
    private LockStore renewVia;

    CountingStore(LockStore inner, Ticker ticker) {
        super(inner);
        this.ticker = ticker;
    }

    synchronized int renewCalls() {
        return renewCallTimes.size();
    }

    /** When each renew call was made, in {@link Ticker} nanos. */
    synchronized List<Long> renewCallTimes() {
        return List.copyOf(renewCallTimes);
    }

    /** The number of keys in each renew call. */
    synchronized List<Long> batchSizes() {
        return List.copyOf(batchSizes);
    }

    synchronized long renewedKeys() {
        return renewedKeys;
    }

    /** Renew calls fail at once, without running, from now on (or not). */
    synchronized void failRenewals(boolean fail) {
        this.failRenewals = fail;
    }

    /** Renew calls wait, unexecuted, until {@link #runHeldRenewals} (or not). */
    synchronized void holdRenewals(boolean hold) {
        this.holdRenewals = hold;
    }

    /** Renew calls go to {@code store} instead (a faulty connection to the same server), or back to inner if null. */
    synchronized void renewVia(LockStore store) {
        this.renewVia = store;
    }

    /** Runs the renewals held back so far, now, and delivers their replies. */
    void runHeldRenewals() {
        List<Runnable> held;
        synchronized (this) {
            held = List.copyOf(heldRenewals);
            heldRenewals.clear();
        }
        held.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<List<Ownership>> renew(List<Renewal> batch) {
        synchronized (this) {
            renewCallTimes.add(ticker.nanos());
            renewedKeys += batch.size();
            batchSizes.add((long) batch.size());
            if (failRenewals) {
                return CompletableFuture.failedFuture(new RedisConnectionException("Connection refused (test)"));
            }
            if (holdRenewals) {
                CompletableFuture<List<Ownership>> reply = new CompletableFuture<>();
                heldRenewals.add(() -> inner.renew(batch).whenComplete((value, error) -> {
                    if (error != null) {
                        reply.completeExceptionally(error);
                    } else {
                        reply.complete(value);
                    }
                }));
                return reply;
            }
            if (renewVia != null) {
                return renewVia.renew(batch);
            }
        }
        return inner.renew(batch);
    }
}
