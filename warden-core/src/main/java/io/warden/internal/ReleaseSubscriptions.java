package io.warden.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares one pub/sub subscription per release channel among the local waiters of a lock, and routes
 * each release message to the waiter that should act on it. Subscribe and unsubscribe commands are
 * issued under one monitor, so they reach Redis in the order the waiters asked.
 */
final class ReleaseSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(ReleaseSubscriptions.class);

    private final LockStore store;
    private final Map<String, Subscription> byChannel = new HashMap<>();

    ReleaseSubscriptions(LockStore store) {
        this.store = store;
        store.onReleaseMessage(this::dispatch);
    }

    /** One lock's subscription; {@link #ready} completes once Redis confirmed it. */
    static final class Subscription {
        final String channel;
        final Runnable onRelease;
        final CompletableFuture<Void> ready;
        int users;

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
            existing.users++;
            return existing;
        }
        Subscription created = new Subscription(channel, onRelease, store.subscribe(channel));
        created.users = 1;
        byChannel.put(channel, created);
        return created;
    }

    /** Leaves a subscription; the last user unsubscribes. */
    synchronized void leave(Subscription subscription) {
        if (--subscription.users > 0) {
            return;
        }
        if (byChannel.get(subscription.channel) == subscription) {
            byChannel.remove(subscription.channel);
            store.unsubscribe(subscription.channel).whenComplete((ok, error) -> {
                if (error != null) {
                    log.debug("unsubscribe from {} failed: {}", subscription.channel, Failures.rootMessage(error));
                }
            });
        }
    }

    synchronized void clear() {
        byChannel.clear();
    }

    private void dispatch(String channel) {
        Subscription subscription;
        synchronized (this) {
            subscription = byChannel.get(channel);
        }
        if (subscription != null) {
            subscription.onRelease.run();
        }
    }
}
