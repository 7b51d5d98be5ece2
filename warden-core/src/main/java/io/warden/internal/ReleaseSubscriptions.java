package io.warden.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares one pub/sub subscription per release channel among the local users of a channel (the gate
 * of a lock; for a read-write lock, its writers' gate and each reader owner's gate), and tells every
 * one of them of each release message; each gate wakes the waiter that should act on it. Subscribe and unsubscribe commands are
 * issued under one monitor, so they reach Redis in the order the waiters asked.
 *
 * <p>A subscription whose last user left lingers for {@link #LINGER_NANOS} before it is dropped: a
 * watched holder listens on its lock's channel (to notice a forced unlock), so a lock taken and
 * released in a loop would otherwise cost a SUBSCRIBE and an UNSUBSCRIBE per acquisition.
 */
final class ReleaseSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(ReleaseSubscriptions.class);
    /** How long an unused subscription is kept for the next user. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long after a failed UNSUBSCRIBE it is sent again. */
    static final long UNSUBSCRIBE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How many times an UNSUBSCRIBE is sent before the channel is left subscribed (and logged). */
    static final int UNSUBSCRIBE_ATTEMPTS = 120;

    private final LockStore store;
    private final Scheduler scheduler;
    private final Map<String, Channel> byChannel = new HashMap<>();

    ReleaseSubscriptions(LockStore store, Scheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
        store.onReleaseMessage(this::dispatch);
    }

    /**
     * One user's membership of a channel's subscription; {@link #ready} completes once Redis
     * confirmed the subscription. Every member is told of every message on the channel: the gates of
     * one read-write lock (its writers', and each reader owner's) share one channel.
     */
    static final class Subscription {
        final String channel;
        final CompletableFuture<Void> ready;
        private final Runnable onRelease;
        private final Channel shared;

        private Subscription(Channel shared, Runnable onRelease) {
            this.channel = shared.name;
            this.ready = shared.ready;
            this.onRelease = onRelease;
            this.shared = shared;
        }
    }

    /** One channel's subscription and its members. Guarded by the ReleaseSubscriptions' monitor. */
    private static final class Channel {
        final String name;
        final CompletableFuture<Void> ready;
        final List<Subscription> members = new ArrayList<>(1);
        Scheduler.@Nullable Cancellable drop;

        Channel(String name, CompletableFuture<Void> ready) {
            this.name = name;
            this.ready = ready;
        }
    }

    /**
     * Joins the subscription of {@code channel} (subscribing when nobody uses it), with {@code
     * onRelease} told of each of its release messages until the returned membership leaves.
     */
    synchronized Subscription join(String channel, Runnable onRelease) {
        Channel existing = byChannel.get(channel);
        if (existing != null && existing.ready.isCompletedExceptionally()) {
            byChannel.remove(channel); // a failed SUBSCRIBE is not shared: the new user tries again
            existing = null;
        }
        if (existing == null) {
            existing = new Channel(channel, store.subscribe(channel));
            byChannel.put(channel, existing);
        } else if (existing.drop != null) {
            // Lingering: in use again.
            existing.drop.cancel();
            existing.drop = null;
        }
        Subscription member = new Subscription(existing, onRelease);
        existing.members.add(member);
        return member;
    }

    /** Leaves a subscription; after the last member, it is dropped once it lingered unused. */
    synchronized void leave(Subscription subscription) {
        Channel channel = subscription.shared;
        if (!channel.members.remove(subscription) || !channel.members.isEmpty()) {
            return;
        }
        if (byChannel.get(channel.name) != channel) {
            return;
        }
        if (channel.ready.isCompletedExceptionally()) {
            drop(channel); // nothing to keep
            return;
        }
        try {
            channel.drop = scheduler.schedule(() -> dropIfUnused(channel), LINGER_NANOS);
        } catch (RuntimeException stopped) {
            drop(channel); // the Warden is closing: its scheduler no longer runs tasks
        }
    }

    private synchronized void dropIfUnused(Channel channel) {
        if (channel.members.isEmpty() && byChannel.get(channel.name) == channel) {
            drop(channel);
        }
    }

    private void drop(Channel channel) {
        byChannel.remove(channel.name);
        channel.drop = null;
        unsubscribe(channel.name, 1);
    }

    /**
     * Sends UNSUBSCRIBE (under the monitor, so it reaches Redis in order with the SUBSCRIBEs). One
     * that failed is sent again later: the client keeps a channel it could not unsubscribe from in
     * its own list, and subscribes to it again when it reconnects (after a Redis restart, a channel
     * dropped while Redis was away stayed subscribed for good). Not sent again once the channel is
     * in use again (its next drop unsubscribes) or the Warden is closing.
     */
    private void unsubscribe(String channel, int attempt) {
        store.unsubscribe(channel).whenComplete((ok, error) -> {
            if (error == null) {
                return;
            }
            if (attempt >= UNSUBSCRIBE_ATTEMPTS) {
                log.warn(
                        "unsubscribing from {} failed {} times; it stays subscribed until the Warden closes: {}",
                        channel,
                        attempt,
                        Failures.rootMessage(error));
                return;
            }
            log.debug("unsubscribe from {} failed, trying again: {}", channel, Failures.rootMessage(error));
            try {
                scheduler.schedule(() -> unsubscribeAgain(channel, attempt + 1), UNSUBSCRIBE_RETRY_NANOS);
            } catch (RuntimeException stopped) {
                // The Warden is closing: closing the connection ends the subscription.
            }
        });
    }

    private synchronized void unsubscribeAgain(String channel, int attempt) {
        if (!byChannel.containsKey(channel)) {
            unsubscribe(channel, attempt);
        }
    }

    synchronized void clear() {
        for (Channel channel : byChannel.values()) {
            if (channel.drop != null) {
                channel.drop.cancel();
            }
        }
        byChannel.clear();
    }

    private void dispatch(String name) {
        Runnable[] listeners;
        synchronized (this) {
            Channel channel = byChannel.get(name);
            if (channel == null || channel.members.isEmpty()) {
                return;
            }
            listeners = new Runnable[channel.members.size()];
            for (int i = 0; i < listeners.length; i++) {
                listeners[i] = channel.members.get(i).onRelease;
            }
        }
        for (Runnable listener : listeners) {
            listener.run();
        }
    }
}
