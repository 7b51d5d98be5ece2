package io.warden.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Lettuce-based backends share: script calls by digest with a reload on NOSCRIPT, the key
 * scan, the caller-client timeout bound, and the opt-in replica acknowledgement (WAIT) after writes.
 */
abstract class LettuceBackend implements RedisBackend {
    private static final Logger log = LoggerFactory.getLogger(LettuceBackend.class);

    private final String address;
    private final Duration commandTimeout;
    private final boolean boundEveryCommand;
    private final int replicaAcks;
    private final Duration replicaAckTimeout;
    volatile Consumer<String> releaseListener = channel -> {};
    private final AtomicLong disconnects = new AtomicLong();
    /** Registered with the client by the subclass, and removed when it closes. */
    final RedisConnectionStateListener disconnectCounter = new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            disconnects.incrementAndGet();
        }
    };

    LettuceBackend(String address, Connection target, boolean boundEveryCommand) {
        this.address = address;
        this.commandTimeout = target.commandTimeout();
        this.boundEveryCommand = boundEveryCommand;
        this.replicaAcks = target.replicaAcks();
        this.replicaAckTimeout = target.replicaAckTimeout();
    }

    /** The command interface scripts and scans run on. */
    abstract RedisClusterAsyncCommands<String, String> commands();

    @Override
    public final String address() {
        return address;
    }

    @Override
    public final <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        return retrying(() -> this.<T>evalBySha(script, type, keys, args).exceptionallyCompose(error -> {
            if (!(Failures.unwrap(error) instanceof RedisNoScriptException)) {
                return CompletableFuture.failedFuture(error);
            }
            // EVAL with the body, issued as each NOSCRIPT reply arrives: the commands keep the order
            // they were asked in (a give-back never overtakes its acquire), and the script is
            // cached again on whichever server answered (a restarted one, a promoted replica).
            return written(script, keys, commands().<T>eval(script.body(), type, keys, args));
        }));
    }

    /** Runs {@code call}, retrying it while the topology says an error is transient; by default once. */
    <T> CompletableFuture<T> retrying(Supplier<CompletableFuture<T>> call) {
        return call.get();
    }

    /** EVALSHA, followed on the same connection by WAIT when replica acknowledgement is on. */
    final <T> CompletableFuture<T> evalBySha(LuaScript script, ScriptOutputType type, String[] keys, String[] args) {
        return written(script, keys, commands().<T>evalsha(script.sha(), type, keys, args));
    }

    /** Bounds a script call and, for writes with replica acknowledgement on, pipelines a WAIT behind it. */
    private <T> CompletableFuture<T> written(LuaScript script, String[] keys, io.lettuce.core.RedisFuture<T> call) {
        CompletableFuture<T> reply = bounded(call.toCompletableFuture());
        if (replicaAcks == 0 || !script.writes()) {
            return reply;
        }
        // Pipelined right behind the script: WAIT covers every earlier write of this connection.
        CompletableFuture<Long> acks = bounded(commands()
                .waitForReplication(replicaAcks, replicaAckTimeout.toMillis())
                .toCompletableFuture());
        return reply.thenCombine(acks, (result, acked) -> checkAcks(script, keys, result, acked));
    }

    private <T> T checkAcks(LuaScript script, String[] keys, T result, long acked) {
        if (acked >= replicaAcks || !ReplicaAcks.wrote(script, result)) {
            return result;
        }
        String detail = acked + " of " + replicaAcks + " replica(s) acknowledged within " + replicaAckTimeout.toMillis()
                + " ms";
        if (script == LuaScript.ACQUIRE || script == LuaScript.EXTEND) {
            throw new CompletionException(new ReplicaAckException(detail));
        }
        log.warn(
                "{} of {} on {}: only {}; a failover now could bring the key back until its lease expires",
                script.resource(),
                keys.length == 1 ? keys[0] : keys.length + " keys",
                address,
                detail);
        return result;
    }

    /** A caller's client may have no command timeout: bound every command ourselves too. */
    final <T> CompletableFuture<T> bounded(CompletableFuture<T> future) {
        return boundEveryCommand ? future.orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS) : future;
    }

    @Override
    public final long disconnects() {
        return disconnects.get();
    }

    @Override
    public final void onReleaseMessage(Consumer<String> listener) {
        this.releaseListener = listener;
    }

    @Override
    public final CompletableFuture<List<String>> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        return scanFrom(ScanCursor.INITIAL, ScanArgs.Builder.matches(pattern).limit(1000), keys)
                .thenApply(done -> keys);
    }

    private CompletableFuture<Void> scanFrom(ScanCursor cursor, ScanArgs args, List<String> sink) {
        return bounded(commands().scan(cursor, args).toCompletableFuture()).thenCompose(page -> {
            sink.addAll(page.getKeys());
            return page.isFinished() ? CompletableFuture.completedFuture(null) : scanFrom(page, args, sink);
        });
    }

    static void closeQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof CompletionException || e instanceof RedisException) {
                log.debug("ignoring error while closing", e);
            } else {
                throw e;
            }
        }
    }
}
