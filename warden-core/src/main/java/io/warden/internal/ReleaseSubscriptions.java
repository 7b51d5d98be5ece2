package io.warden.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares one pub/sub subscription per release channel among the local waiters of a lock, and routes
 * each release message to the waiter that should act on it. Subscribe and unsubscribe commands are
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
    private final Map<String, Subscription> byChannel = new HashMap<>();

    ReleaseSubscriptions(LockStore store, Scheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
        store.onReleaseMessage(this::dispatch);
    }

    /** One lock's subscription; {@link #ready} completes once Redis confirmed it. */
    static final class Subscription {
        final String channel;
        final CompletableFuture<Void> ready;
        // Guarded by the ReleaseSubscriptions' monitor.
        Runnable onRelease;
        int users;
        Scheduler.@Nullable Cancellable drop;

        Subscription(String channel, Runnable onRelease, CompletableFuture<Void> ready) {
            this.channel = channel;
            this.onRelease = onRelease;
            this.ready = ready;
        }
    }

    /**
     * Joins the subscription of {@code channel}, creating it with {@code onRelease} as its listener
     * when it is the first user.
     */
    synchronized Subscription join(String channel, Runnable onRelease) {
        Subscription existing = byChannel.get(channel);
        if (existing != null && existing.ready.isCompletedExceptionally()) {
            byChannel.remove(channel); // a failed SUBSCRIBE is not shared: the new user tries again
            existing = null;
        }
        if (existing != null) {
            if (existing.users == 0) {
                // Lingering: the new user's entry gets the messages from now on.
                existing.onRelease = onRelease;
                if (existing.drop != null) {
                    existing.drop.cancel();
                    existing.drop = null;
                }
            }
            existing.users++;
            return existing;
        }
        Subscription created = new Subscription(channel, onRelease, store.subscribe(channel));
        created.users = 1;
        byChannel.put(channel, created);
        return created;
    }

    /** Leaves a subscription; after the last user, it is dropped once it lingered unused. */
    synchronized void leave(Subscription subscription) {
        if (--subscription.users > 0) {
            return;
        }
        if (byChannel.get(subscription.channel) != subscription) {
            return;
        }
        if (subscription.ready.isCompletedExceptionally()) {
            drop(subscription); // nothing to keep
            return;
        }
        try {
            subscription.drop = scheduler.schedule(() -> dropIfUnused(subscription), LINGER_NANOS);
        } catch (RuntimeException stopped) {
            drop(subscription); // the Warden is closing: its scheduler no longer runs tasks
        }
    }

    private synchronized void dropIfUnused(Subscription subscription) {
        if (subscription.users == 0 && byChannel.get(subscription.channel) == subscription) {
            drop(subscription);
        }
    }

    private void drop(Subscription subscription) {
        byChannel.remove(subscription.channel);
        subscription.drop = null;
        unsubscribe(subscription.channel, 1);
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
        for (Subscription subscription : byChannel.values()) {
            if (subscription.drop != null) {
                subscription.drop.cancel();
            }
        }
        byChannel.clear();
    }

    private void dispatch(String channel) {
        Runnable listener;
        synchronized (this) {
            Subscription subscription = byChannel.get(channel);
            listener = subscription == null || subscription.users == 0 ? null : subscription.onRelease;
        }
        if (listener != null) {
            listener.run();
        }
    }
}
