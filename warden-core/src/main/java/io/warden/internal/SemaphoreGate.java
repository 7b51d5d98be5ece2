package io.warden.internal;

import io.warden.WardenException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One semaphore's waiters and held permits in this process. Waiters queue first come, first served
 * and only the oldest asks Redis; it is woken by a release message on the semaphore's channel
 * (subscribed while anyone waits) or by a permit of this process ending. When it leaves the queue
 * (acquired, timed out, cancelled), the next one asks at once: more permits may be free.
 */
final class SemaphoreGate {
    private final SemaphoreKeys keys;
    private final ReleaseSubscriptions subscriptions;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private final Set<LeaseState> held = ConcurrentHashMap.newKeySet();
    // Guarded by this.
    private ReleaseSubscriptions.@Nullable Subscription subscription;

    SemaphoreGate(SemaphoreKeys keys, ReleaseSubscriptions subscriptions) {
        this.keys = keys;
        this.subscriptions = subscriptions;
    }

    SemaphoreKeys keys() {
        return keys;
    }

    /** A waiter for permits, as the gate sees it. */
    interface Waiter {
        /** It became the oldest waiter: it asks Redis from now on. */
        void start();

        /** Permits may have been freed: the oldest waiter asks again. */
        void wake();

        /** Ends the wait with {@code failure} (the Warden is closing). */
        void fail(WardenException failure);
    }

    /** What {@link #enter} did with a waiter. */
    enum Entered {
        /** It is the oldest: it asks Redis now. */
        FIRST,
        /** Older waiters are ahead of it. */
        QUEUED
    }

    synchronized Entered enter(Waiter waiter) {
        waiting.addLast(waiter);
        if (subscription == null) {
            subscription = subscriptions.join(keys.channel(), this::released);
        }
        return waiting.peekFirst() == waiter ? Entered.FIRST : Entered.QUEUED;
    }

    /** True if nobody waits here (a waiter that must not wait may ask Redis). */
    synchronized boolean nobodyWaiting() {
        return waiting.isEmpty();
    }

    /** Completes once Redis confirmed the release subscription (fails if it could not). */
    synchronized CompletableFuture<Void> subscribed() {
        return subscription == null ? CompletableFuture.completedFuture(null) : subscription.ready;
    }

    /** A waiter is done (acquired, failed, withdrawn); the next oldest asks Redis if it is now first. */
    void leave(Waiter waiter) {
        Waiter next = null;
        synchronized (this) {
            boolean wasFirst = waiting.peekFirst() == waiter;
            if (!waiting.remove(waiter)) {
                return;
            }
            if (waiting.isEmpty()) {
                if (subscription != null) {
                    subscriptions.leave(subscription);
                    subscription = null;
                }
            } else if (wasFirst) {
                next = waiting.peekFirst();
            }
        }
        if (next != null) {
            next.start();
        }
    }

    void holding(LeaseState permit) {
        held.add(permit);
    }

    /** A permit of this process ended: its units may be free. */
    void ended(LeaseState permit) {
        held.remove(permit);
        released();
    }

    private void released() {
        Waiter first;
        synchronized (this) {
            first = waiting.peekFirst();
        }
        if (first != null) {
            first.wake();
        }
    }

    /** Removes every waiter (the Warden is closing); they are failed by the caller. */
    synchronized List<Waiter> drainWaiters() {
        List<Waiter> drained = new ArrayList<>(waiting);
        return drained;
    }

    List<LeaseState> heldPermits() {
        return List.copyOf(held);
    }
}
