package io.warden.internal;

import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the lock engine needs from Redis: scripts, release notifications, and a key scan for
 * operators. One implementation per topology; everything above it is topology-neutral.
 *
 * <p>All methods are non-blocking and thread-safe. Futures fail with Lettuce's exceptions (the
 * caller translates them with {@link Failures}); script calls reload a script transparently when
 * the server answers NOSCRIPT.
 */
interface RedisBackend extends AutoCloseable {

    /** The endpoint, for error messages. */
    String address();

    /** Runs {@code script} with EVALSHA, falling back to EVAL (which loads it) on NOSCRIPT. */
    <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args);

    /**
     * Groups keys whose renewals may share one script call: a script may only touch keys of one
     * hash slot on a Cluster, any keys on a standalone server. Returns the group id of {@code key}.
     */
    int renewalGroup(String key);

    /**
     * True when release messages travel over sharded pub/sub (SPUBLISH/SSUBSCRIBE, a Redis 7
     * Cluster), so scripts must announce with SPUBLISH; false for classic PUBLISH.
     */
    default boolean shardedPubSub() {
        return false;
    }

    /**
     * Counts the disconnects of this backend's connections. Lettuce resends the commands that were
     * in flight when a connection dropped, so a command sent before a disconnect and answered
     * after it may have run twice; the store reads this before and after a call to know.
     */
    default long disconnects() {
        return 0;
    }

    /**
     * False while the command connection is down (it reconnects by itself). A command sent then
     * may still be queued or rejected by the client; callers that must know whether a command can
     * have reached Redis check this before sending.
     */
    default boolean connected() {
        return true;
    }

    /** Sets the one listener told (with the channel name) of every release message. */
    void onReleaseMessage(Consumer<String> listener);

    /** Subscribes to a release channel; completes when the server confirmed. */
    CompletableFuture<Void> subscribe(String channel);

    /** Unsubscribes from a release channel. */
    CompletableFuture<Void> unsubscribe(String channel);

    /** Keys matching {@code pattern}, by SCAN; may contain duplicates on a changing keyspace. */
    CompletableFuture<List<String>> scan(String pattern);

    /** Closes the connections, and the client if it was created here. */
    @Override
    void close();
}
