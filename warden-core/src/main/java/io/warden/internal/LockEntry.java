package io.warden.internal;

import io.warden.WardenException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One lock name's local gate. At most one local acquisition at a time talks to Redis (the
 * contender) or holds the lease (the holder); everyone else queues here in FIFO order. So local
 * hand-off is fair and Redis sees one contender per process. The entry also owns the name's
 * release subscription, shared by its waiters and (with {@code noticeForcedUnlock}) a watched holder,
 * and dropped when the last of them leaves. A release message wakes the contender; while such a
 * lease is held here it also makes the holder check at once that the lock is still its own (a
 * forced unlock publishes one).
 *
 * <p>The entry is also its holder's {@link LeaseState.Surroundings}: the lease tells it (and through
 * it the watchdog) when it needs attention and when it ended, with no object of its own per lease.
 *
 * <p>All state is guarded by this object's monitor; actions that call out (starting the next
 * contender, Redis commands) happen after the monitor is released.
 */
final class LockEntry implements LeaseState.Surroundings {
    /** What the gate needs of an acquisition waiting at it. */
    interface Waiter {
        Object owner();

        boolean reentrant();

        boolean isDone();

        /** The owner re-entered {@code lease}, a lease it holds: one more hold on it. */
        void reentered(LeaseState lease);

        /** This waiter became the contender: it talks to Redis now. */
        void start();

        /** A release message arrived: the contender tries again. */
        void wake();

        void fail(WardenException failure);

        /**
         * The gate made this waiter the contender by a hand-off: its acquire goes with the holder's
         * release ({@link LockStore#releaseTo}). Returns the attempt, marked in flight, or null if
         * the waiter has ended (its withdrawal passes the gate on) or contends on its own (it stays
         * the contender, and the release goes alone, announced).
         */
        @Nullable
        HandOff handOff();
    }

    /**
     * Consecutive hand-offs after which a release frees the lock instead (announced), so that
     * other processes, which no hand-off wakes, get their chance: the next local waiter then
     * contends like anyone else.
     */
    static final int MAX_CONSECUTIVE_HAND_OFFS = 8;

    /** What {@link #enter} did with an waiter. */
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
    private final Watchdog watchdog;
    private final LockKeys keys;
    private final Consumer<LockEntry> retire;

    private @Nullable LeaseState holder;
    private @Nullable Waiter contender;
    /** Local waiters behind the contender or holder; null while there are none (most entries, most of the time). */
    private @Nullable ArrayDeque<Waiter> queue;

    private ReleaseSubscriptions.@Nullable Subscription subscription;
    private boolean retired;
    /** Hand-offs since the lock was last freed by a release here; see {@link #MAX_CONSECUTIVE_HAND_OFFS}. */
    private int handOffs;

    /** {@code retire} takes the entry out of its table once it is idle. */
    LockEntry(ReleaseSubscriptions subscriptions, Watchdog watchdog, LockKeys keys, Consumer<LockEntry> retire) {
        this.subscriptions = subscriptions;
        this.watchdog = watchdog;
        this.keys = keys;
        this.retire = retire;
    }

    LockKeys keys() {
        return keys;
    }

    synchronized Entered enter(Waiter waiter) {
        if (retired) {
            return Entered.RETIRED;
        }
        if (waiter.reentrant() && holder != null && holder.owner() == waiter.owner() && holder.reenter()) {
            waiter.reentered(holder);
            return Entered.REENTERED;
        }
        if (contender == null && holder == null) {
            contender = waiter;
            return Entered.CONTENDING;
        }
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        queue.addLast(waiter);
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
     *
     * <p>Only {@code waiter} as the current contender joins. One that has already passed the gate on
     * (withdrawn while its attempt was in flight: a cancelled future, a closed leader election) gets
     * a completed future and joins nothing: its attempt's "held elsewhere" reply would otherwise join
     * after the gate had left the subscription, maybe on an entry already retired from the table,
     * and nobody would ever leave it again.
     */
    CompletableFuture<Void> subscribe(Waiter waiter) {
        ReleaseSubscriptions.Subscription joined;
        synchronized (this) {
            if (contender != waiter) {
                return CompletableFuture.completedFuture(null); // it is done: its next step sees that
            }
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
    synchronized boolean promote(Waiter waiter, LeaseState lease) {
        if (contender != waiter || waiter.isDone()) {
            return false;
        }
        contender = null;
        holder = lease;
        if (lease.listensForRelease() && subscription == null) {
            // Not waited for: until Redis confirms it, a forced unlock is noticed at the next renewal.
            subscription = subscriptions.join(keys.channel(), this::onReleaseMessage);
            ReleaseSubscriptions.Subscription joined = subscription;
            joined.ready.whenComplete((ok, error) -> {
                if (error != null) {
                    dropFailed(joined);
                }
            });
        } else {
            leaveSubscriptionIfNoWaiters();
        }
        return true;
    }

    /** An acquisition gave up (failed, timed out, cancelled): pass the gate on if it held it. */
    void withdraw(Waiter waiter) {
        Waiter next;
        synchronized (this) {
            if (contender == waiter) {
                contender = null;
                next = passGate();
            } else {
                if (queue != null) {
                    queue.remove(waiter);
                }
                next = null;
                leaveSubscriptionIfNoWaiters();
                retireIfIdle();
            }
        }
        if (next != null) {
            next.start();
        }
    }

    @Override
    public void nextEventAt(long at) {
        watchdog.reschedule(at);
    }

    /** The holder's lease ended here: the watchdog forgets it and the gate passes on. */
    @Override
    public void ended(LeaseState lease) {
        watchdog.forget(lease);
        holderEnded(lease);
    }

    /**
     * The holder's last hold is being released: if a local waiter is queued, and fewer than {@link
     * #MAX_CONSECUTIVE_HAND_OFFS} hand-offs came before, that waiter becomes the contender at once
     * and its acquire is returned, to be sent with the release. The lease then no longer holds the
     * gate: its end passes nothing on. Null when the release goes alone (the gate is then passed on
     * when the lease ends, as always).
     */
    @Override
    public @Nullable HandOff handOff(LeaseState lease) {
        Waiter next;
        synchronized (this) {
            if (holder != lease || noQueue()) {
                return null;
            }
            if (handOffs >= MAX_CONSECUTIVE_HAND_OFFS) {
                handOffs = 0;
                return null;
            }
            next = Objects.requireNonNull(queue).pollFirst();
            if (queue.isEmpty()) {
                queue = null;
            }
            holder = null;
            contender = next;
            handOffs++;
        }
        HandOff attempt = next.handOff();
        if (attempt == null && next.isDone()) {
            // Ended meanwhile: its withdrawal passes the gate on (it is the contender now).
            withdraw(next);
        }
        // Null and not done: it is contending on its own and stays the contender (or it is ending,
        // and its own withdrawal, which finds it the contender, passes the gate on). Dropping a live
        // waiter here would leave an acquisition that no release, grant or gate reaches again (its
        // grants refused at promotion) until its wait ends.
        return attempt;
    }

    /** The holder's lease ended (released, lost, expired): the next local waiter contends at once. */
    private void holderEnded(LeaseState lease) {
        Waiter next;
        synchronized (this) {
            if (holder != lease) {
                return;
            }
            holder = null;
            handOffs = 0;
            next = passGate();
        }
        if (next != null) {
            next.start();
        }
    }

    /** Takes every waiter out, for shutdown. */
    synchronized List<Waiter> drainWaiters() {
        List<Waiter> all = queue == null ? new ArrayList<>() : new ArrayList<>(queue);
        queue = null;
        if (contender != null) {
            all.add(contender);
        }
        return all;
    }

    private @Nullable Waiter passGate() {
        Waiter next = queue == null ? null : queue.pollFirst();
        if (queue != null && queue.isEmpty()) {
            queue = null;
        }
        contender = next;
        leaveSubscriptionIfNoWaiters();
        retireIfIdle();
        return next;
    }

    private void leaveSubscriptionIfNoWaiters() {
        if (subscription != null && contender == null && noQueue() && (holder == null || !holder.listensForRelease())) {
            subscriptions.leave(subscription);
            subscription = null;
        }
    }

    private boolean noQueue() {
        return queue == null || queue.isEmpty();
    }

    private void retireIfIdle() {
        if (holder == null && contender == null && noQueue()) {
            retired = true;
            retire.accept(this);
        }
    }

    private void onReleaseMessage() {
        Waiter current;
        LeaseState held;
        synchronized (this) {
            current = contender;
            held = holder;
        }
        if (current != null) {
            current.wake();
        }
        if (held != null) {
            held.releaseAnnounced();
        }
    }
}
