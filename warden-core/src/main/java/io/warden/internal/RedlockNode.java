package io.warden.internal;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master of a Redlock group. Commands fail at once while it is unreachable (never queue), so a
 * down node costs the others nothing. A node that was down when Warden started is connected later,
 * at most once per reconnect interval, and then subscribed to the channels waiters listen on.
 */
final class RedlockNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedlockNode.class);
    private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Settings settings;
    private final ClientResources resources;
    private final Executor connector;
    private final String address;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> listener = channel -> {};
    private volatile StandaloneBackend backend;
    private volatile boolean closed;
    // Guarded by this.
    private long nextAttemptAt = System.nanoTime();
    private CompletableFuture<StandaloneBackend> connecting;

    RedlockNode(Settings settings, ClientResources resources, Executor connector) {
        this.settings = settings;
        this.resources = resources;
        this.connector = connector;
        this.address = RedisUris.describe(settings.uri());
    }

    String address() {
        return address;
    }

    /** Connects now; false (and logged) if the node cannot be reached. */
    boolean connectNow() {
        try {
            attach(StandaloneBackend.connect(settings, true, resources));
            return true;
        } catch (RuntimeException e) {
            log.warn("Redlock node {} is unreachable; connecting again later: {}", address, Failures.rootMessage(e));
            synchronized (this) {
                nextAttemptAt = System.nanoTime() + RECONNECT_INTERVAL_NANOS;
            }
            return false;
        }
    }

    private void attach(StandaloneBackend connected) {
        connected.onReleaseMessage(channel -> listener.accept(channel));
        backend = connected;
        for (String channel : channels) {
            connected.subscribe(channel);
        }
        if (closed) {
            connected.close();
        }
    }

    private CompletableFuture<StandaloneBackend> backend() {
        StandaloneBackend current = backend;
        if (current != null) {
            return CompletableFuture.completedFuture(current);
        }
        synchronized (this) {
            if (connecting != null) {
                return connecting;
            }
            if (closed || System.nanoTime() - nextAttemptAt < 0) {
                return CompletableFuture.failedFuture(
                        new RedisConnectionException("Redlock node " + address + " is unreachable"));
            }
            CompletableFuture<StandaloneBackend> attempt = CompletableFuture.supplyAsync(
                    () -> {
                        if (!connectNow()) {
                            throw new RedisConnectionException("Redlock node " + address + " is unreachable");
                        }
                        return backend;
                    },
                    connector);
            connecting = attempt;
            attempt.whenComplete((ok, error) -> {
                synchronized (this) {
                    connecting = null;
                }
            });
            return attempt;
        }
    }

    <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        return backend().thenCompose(node -> node.<T>eval(script, type, keys, args));
    }

    void onReleaseMessage(Consumer<String> listener) {
        this.listener = listener;
    }

    CompletableFuture<Void> subscribe(String channel) {
        channels.add(channel);
        return backend().thenCompose(node -> node.subscribe(channel));
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        channels.remove(channel);
        StandaloneBackend current = backend;
        return current == null ? CompletableFuture.completedFuture(null) : current.unsubscribe(channel);
    }

    CompletableFuture<List<String>> scan(String pattern) {
        return backend().thenCompose(node -> node.scan(pattern));
    }

    @Override
    public void close() {
        closed = true;
        StandaloneBackend current = backend;
        if (current != null) {
            current.close();
        }
    }
}
