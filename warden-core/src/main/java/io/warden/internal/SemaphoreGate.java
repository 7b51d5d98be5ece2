package io.warden.internal;

import io.warden.WardenException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One semaphore's waiters and held permits in this process. Waiters queue first come, first served
 * and only the oldest asks Redis; it is woken by a release message on the semaphore's channel
 * (subscribed while anyone waits) or by a permit of this process ending. When it leaves the queue
 * (acquired, timed out, cancelled), the next one asks at once, as more permits may be free; unless
 * the grant it leaves with took the last free unit and nothing was released since that request was
 * sent (the {@link #releases} count): the next one then waits for a release like any waiter,
 * instead of asking for a permit that cannot be free.
 */
final class SemaphoreGate {
    private final SemaphoreKeys keys;
    private final ReleaseSubscriptions subscriptions;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private final Set<LeaseState> held = ConcurrentHashMap.newKeySet();
    /** Releases seen here (messages and this process's permits ending), to date a "full" answer. */
    private final AtomicLong releases = new AtomicLong();
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
        /**
         * It became the oldest waiter: it asks Redis from now on, at once unless {@code fullAsOf}
         * is not {@link #UNKNOWN} and equals {@link #releases()}: the semaphore was full when the
         * releases count was {@code fullAsOf} and nothing was released since.
         */
        void start(long fullAsOf);

        /** Permits may have been freed: the oldest waiter asks again. */
        void wake();

        /** Ends the wait with {@code failure} (the Warden is closing). */
        void fail(WardenException failure);
    }

    /** A {@code fullAsOf} that says nothing: the next waiter asks at once. */
    static final long UNKNOWN = -1;

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

    /** Releases seen so far: a count that only grows. */
    long releases() {
        return releases.get();
    }

    /** True if release messages reach this gate now (the subscription is confirmed). */
    synchronized boolean listening() {
        return subscription != null && subscription.ready.isDone() && !subscription.ready.isCompletedExceptionally();
    }

    /** A waiter is done (failed, withdrawn); the next oldest asks Redis at once if it is now first. */
    void leave(Waiter waiter) {
        leave(waiter, UNKNOWN);
    }

    /**
     * A waiter is done; the next oldest, if it is now first, starts with {@code fullAsOf} (see
     * {@link Waiter#start}).
     */
    void leave(Waiter waiter, long fullAsOf) {
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
            next.start(fullAsOf);
        }
    }

    void holding(LeaseState permit) {
        held.add(permit);
    }

    /**
     * A permit of this process ended: its units may be free. A permit released through Redis while
     * release messages reach this gate wakes nobody here: its release message does, once (waking on
     * both made the oldest waiter ask twice for one freed unit).
     */
    void ended(LeaseState permit) {
        held.remove(permit);
        if (permit.phase() == LeaseMachine.Phase.RELEASED && listening()) {
            return;
        }
        released();
    }

    private void released() {
        releases.incrementAndGet();
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
