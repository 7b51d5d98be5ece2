package io.warden.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One lock name's local gate. At most one local acquisition at a time talks to Redis (the
 * contender) or holds the lease (the holder); everyone else queues here in FIFO order. So local
 * hand-off is fair and Redis sees one contender per process. The entry also owns the name's
 * release subscription, shared by its waiters and dropped when the last one leaves.
 *
 * <p>All state is guarded by this object's monitor; actions that call out (starting the next
 * contender, Redis commands) happen after the monitor is released.
 */
final class LockEntry {
    /** What {@link #enter} did with an acquisition. */
    enum Entered {
        /** The owner already held the lock: one more hold on its lease. */
        REENTERED,
        /** The acquisition is the contender now: the caller starts it. */
        CONTENDING,
        /** Queued behind the current contender or holder. */
        QUEUED,
        /** This entry was retired while idle: look the entry up again. */
        RETIRED
    }

    private final ReleaseSubscriptions subscriptions;
    private final LockKeys keys;
    private final LockTable table;

    private @Nullable LeaseState holder;
    private @Nullable Acquisition contender;
    private final ArrayDeque<Acquisition> queue = new ArrayDeque<>();
    private ReleaseSubscriptions.@Nullable Subscription subscription;
    private boolean retired;

    LockEntry(ReleaseSubscriptions subscriptions, LockKeys keys, LockTable table) {
        this.subscriptions = subscriptions;
        this.keys = keys;
        this.table = table;
    }

    LockKeys keys() {
        return keys;
    }

    synchronized Entered enter(Acquisition acquisition) {
        if (retired) {
            return Entered.RETIRED;
        }
        if (acquisition.reentrant() && holder != null && holder.owner() == acquisition.owner() && holder.reenter()) {
            acquisition.reentered(holder);
            return Entered.REENTERED;
        }
        if (contender == null && holder == null) {
            contender = acquisition;
            return Entered.CONTENDING;
        }
        queue.addLast(acquisition);
        return Entered.QUEUED;
    }

    /** The lease held locally by {@code owner}, or null. */
    synchronized @Nullable LeaseState heldBy(Object owner) {
        return holder != null && holder.owner() == owner ? holder : null;
    }

    synchronized @Nullable LeaseState holder() {
        return holder;
    }

    /**
     * The contender's subscription to release messages, joined on first need. Completes when Redis
     * confirmed it. A failed subscription is dropped at once, so the next contender tries again
     * instead of inheriting the failure.
     */
    CompletableFuture<Void> subscribe() {
        ReleaseSubscriptions.Subscription joined;
        synchronized (this) {
            if (subscription == null) {
                subscription = subscriptions.join(keys.channel(), this::onReleaseMessage);
            }
            joined = subscription;
        }
        joined.ready.whenComplete((ok, error) -> {
            if (error != null) {
                dropFailed(joined);
            }
        });
        return joined.ready;
    }

    private synchronized void dropFailed(ReleaseSubscriptions.Subscription failed) {
        if (subscription == failed) {
            subscriptions.leave(failed);
            subscription = null;
        }
    }

    /**
     * The contender acquired: it becomes the holder. Returns false if it had been withdrawn
     * meanwhile (then the caller gives the lease back).
     */
    synchronized boolean promote(Acquisition acquisition, LeaseState lease) {
        if (contender != acquisition || acquisition.isDone()) {
            return false;
        }
        contender = null;
        holder = lease;
        leaveSubscriptionIfNoWaiters();
        return true;
    }

    /** An acquisition gave up (failed, timed out, cancelled): pass the gate on if it held it. */
    void withdraw(Acquisition acquisition) {
        Acquisition next;
        synchronized (this) {
            if (contender == acquisition) {
                contender = null;
                next = passGate();
            } else {
                queue.remove(acquisition);
                next = null;
                leaveSubscriptionIfNoWaiters();
                retireIfIdle();
            }
        }
        if (next != null) {
            next.start();
        }
    }

    /** The holder's lease ended (released, lost, expired): the next local waiter contends at once. */
    void holderEnded(LeaseState lease) {
        Acquisition next;
        synchronized (this) {
            if (holder != lease) {
                return;
            }
            holder = null;
            next = passGate();
        }
        if (next != null) {
            next.start();
        }
    }

    /** Takes every waiter out, for shutdown. */
    synchronized List<Acquisition> drainWaiters() {
        List<Acquisition> all = new ArrayList<>(queue);
        queue.clear();
        if (contender != null) {
            all.add(contender);
        }
        return all;
    }

    private @Nullable Acquisition passGate() {
        Acquisition next = queue.pollFirst();
        contender = next;
        leaveSubscriptionIfNoWaiters();
        retireIfIdle();
        return next;
    }

    private void leaveSubscriptionIfNoWaiters() {
        if (subscription != null && contender == null && queue.isEmpty()) {
            subscriptions.leave(subscription);
            subscription = null;
        }
    }

    private void retireIfIdle() {
        if (holder == null && contender == null && queue.isEmpty()) {
            retired = true;
            table.remove(this);
        }
    }

    private void onReleaseMessage() {
        Acquisition current;
        synchronized (this) {
            current = contender;
        }
        if (current != null) {
            current.wake();
        }
    }
}
