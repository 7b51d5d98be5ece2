package io.warden.internal;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master of a Redlock group, spoken to through its {@link ScriptStore}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Commands fail at once while the node is unreachable (never queue), so a down node costs the
 *       others nothing; such a command fails with a RedisConnectionException and was not sent. A node that was down when Warden started is connected later, at most once
 *       per reconnect interval, and then subscribed to the channels waiters listen on.
 *   <li>Commands asked by one thread are issued to the node in the order they were asked, also
 *       while it is being connected: a RELEASE asked after its ACQUIRE never overtakes it (it would
 *       find nothing, and the ACQUIRE would then leave an orphan grant until its TTL). Commands
 *       asked by different threads have no order: a Netty I/O thread writes its own at once, ahead
 *       of those other threads queued for it, so callers order such commands by their replies. Commands asked
 *       during a connection attempt wait in a chain, each link issuing its command and only then
 *       letting the next one go; a command is sent directly only when no earlier one still waits.
 * </ul>
 */
final class RedlockNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedlockNode.class);
    static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Connection target;
    private final ClientResources resources;
    private final Executor connector;
    private final Ticker ticker;
    private final String address;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> listener = channel -> {};
    private volatile @Nullable ScriptStore store;
    private volatile boolean closed;
    // Guarded by this.
    private long nextAttemptAt;
    /**
     * Guarded by this: the link of the last command still waiting to be issued; it completes (with
     * the store, or the connection failure) once that command and every earlier one were issued.
     * Null when nothing waits.
     */
    private @Nullable CompletableFuture<ScriptStore> waiting;

    RedlockNode(Connection target, ClientResources resources, Executor connector, Ticker ticker) {
        this.target = target;
        this.resources = resources;
        this.connector = connector;
        this.ticker = ticker;
        this.address = RedisUris.describe(Objects.requireNonNull(target.uri(), "a Redlock node's URI"));
        this.nextAttemptAt = ticker.nanos();
    }

    String address() {
        return address;
    }

    /** Connects now; false (and logged) if the node cannot be reached. */
    boolean connectNow() {
        try {
            attach(new ScriptStore(StandaloneBackend.connect(target, true, resources)));
            return true;
        } catch (RuntimeException e) {
            log.warn("Redlock node {} is unreachable; connecting again later: {}", address, Failures.rootMessage(e));
            synchronized (this) {
                nextAttemptAt = ticker.nanos() + RECONNECT_INTERVAL_NANOS;
            }
            return false;
        }
    }

    private void attach(ScriptStore connected) {
        connected.onReleaseMessage(channel -> listener.accept(channel));
        store = connected;
        for (String channel : channels) {
            connected.subscribe(channel);
        }
        if (closed) {
            connected.close();
        }
    }

    /**
     * Runs {@code command} on this node's store, after every command asked before it was issued.
     * Fails at once (RedisConnectionException) while the node is unreachable.
     */
    <T> CompletableFuture<T> call(Function<ScriptStore, CompletableFuture<T>> command) {
        ScriptStore ready;
        CompletableFuture<ScriptStore> previous;
        CompletableFuture<ScriptStore> link = new CompletableFuture<>();
        synchronized (this) {
            ready = waiting == null ? store : null;
            previous = null;
            if (ready == null) {
                previous = waiting != null ? waiting : connectLater();
                if (previous == null) {
                    return CompletableFuture.failedFuture(unreachable());
                }
                waiting = link;
            }
        }
        if (ready != null) {
            return issue(command, ready);
        }
        CompletableFuture<ScriptStore> before = Objects.requireNonNull(previous, "set whenever no store is ready");
        // Outside the lock: the previous link may be complete already, and replies' callbacks
        // (which may call other nodes) must never run under it. Each link has one successor, so
        // the links run in the order they were made.
        CompletableFuture<T> reply = new CompletableFuture<>();
        before.whenComplete((connected, error) -> {
            if (error != null) {
                reply.completeExceptionally(Failures.unwrap(error));
            } else {
                issue(command, connected).whenComplete((value, failure) -> {
                    if (failure != null) {
                        reply.completeExceptionally(Failures.unwrap(failure));
                    } else {
                        reply.complete(value);
                    }
                });
            }
            synchronized (this) {
                if (waiting == link) {
                    waiting = null; // every command asked so far is issued: send directly again
                }
            }
            if (error != null) {
                link.completeExceptionally(Failures.unwrap(error));
            } else {
                link.complete(connected);
            }
        });
        return reply;
    }

    private <T> CompletableFuture<T> issue(Function<ScriptStore, CompletableFuture<T>> command, ScriptStore connected) {
        if (!connected.connected()) {
            return CompletableFuture.failedFuture(unreachable()); // not sent: nothing can have run
        }
        try {
            return command.apply(connected);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A connection attempt on the connector thread, or null when closed or too soon to try. */
    private @Nullable CompletableFuture<ScriptStore> connectLater() {
        if (closed || ticker.nanos() - nextAttemptAt < 0) {
            return null;
        }
        // Until this attempt ends, callers chain on it (through waiting), so no second one starts.
        nextAttemptAt = ticker.nanos() + RECONNECT_INTERVAL_NANOS;
        try {
            return CompletableFuture.supplyAsync(
                    () -> {
                        if (!connectNow()) {
                            throw unreachable();
                        }
                        return store;
                    },
                    connector);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(unreachable()); // the store is closing
        }
    }

    private RedisConnectionException unreachable() {
        return new RedisConnectionException("Redlock node " + address + " is unreachable");
    }

    void onReleaseMessage(Consumer<String> listener) {
        this.listener = listener;
    }

    CompletableFuture<Void> subscribe(String channel) {
        channels.add(channel);
        return call(connected -> connected.subscribe(channel));
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        channels.remove(channel);
        synchronized (this) {
            if (store == null && waiting == null) {
                return CompletableFuture.completedFuture(null); // never connected: nothing to undo
            }
        }
        // In line behind a subscription that may still wait, so that it cannot outlive this.
        return call(connected -> connected.unsubscribe(channel));
    }

    CompletableFuture<List<String>> scan(String pattern) {
        return call(connected -> connected.scan(pattern));
    }

    @Override
    public void close() {
        closed = true;
        ScriptStore current = store;
        if (current != null) {
            current.close();
        }
    }
}
