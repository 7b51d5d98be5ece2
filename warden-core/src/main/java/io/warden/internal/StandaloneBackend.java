package io.warden.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.warden.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Redis server (or a managed endpoint that behaves like one): one command connection,
 * shared and pipelined by Lettuce, and one pub/sub connection for release messages.
 */
final class StandaloneBackend implements RedisBackend {
    private static final Logger log = LoggerFactory.getLogger(StandaloneBackend.class);

    private final RedisClient client;
    private final boolean ownsClient;
    private final String address;
    private final Duration commandTimeout;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final Map<LuaScript, CompletableFuture<String>> loading = new ConcurrentHashMap<>();
    private volatile Consumer<String> releaseListener = channel -> {};

    private StandaloneBackend(
            RedisClient client,
            boolean ownsClient,
            String address,
            Duration commandTimeout,
            StatefulRedisConnection<String, String> connection,
            StatefulRedisPubSubConnection<String, String> pubSub) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.address = address;
        this.commandTimeout = commandTimeout;
        this.connection = connection;
        this.commands = connection.async();
        this.pubSub = pubSub;
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                releaseListener.accept(channel);
            }
        });
    }

    static StandaloneBackend connect(Settings settings) {
        boolean owns = settings.client() == null;
        RedisClient client = owns ? RedisClient.create(settings.uri()) : settings.client();
        String address = settings.uri() != null ? describe(settings.uri()) : "redis (caller's client)";
        if (owns) {
            client.setOptions(ClientOptions.builder()
                    .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                    .socketOptions(SocketOptions.builder()
                            .connectTimeout(settings.commandTimeout())
                            .keepAlive(true)
                            .build())
                    .build());
        }
        StatefulRedisConnection<String, String> connection = null;
        StatefulRedisPubSubConnection<String, String> pubSub = null;
        try {
            connection = client.connect(StringCodec.UTF8);
            pubSub = client.connectPubSub(StringCodec.UTF8);
            StandaloneBackend backend =
                    new StandaloneBackend(client, owns, address, settings.commandTimeout(), connection, pubSub);
            backend.preload();
            return backend;
        } catch (RedisException e) {
            if (pubSub != null) {
                pubSub.close();
            }
            if (connection != null) {
                connection.close();
            }
            if (owns) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            throw new RedisUnavailableException(null, address, "cannot connect: " + Failures.rootMessage(e), e);
        }
    }

    static String describe(RedisURI uri) {
        if (uri.getSocket() != null) {
            return uri.getSocket();
        }
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        CompletableFuture<T> first =
                bounded(commands.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture());
        return first.exceptionallyCompose(error -> {
            if (!(Failures.unwrap(error) instanceof RedisNoScriptException)) {
                return CompletableFuture.failedFuture(error);
            }
            // The server lost its script cache (restart, SCRIPT FLUSH): load once for all callers
            // that hit it at the same moment, then retry by digest.
            return load(script)
                    .thenCompose(sha -> bounded(
                            commands.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture()));
        });
    }

    private CompletableFuture<String> load(LuaScript script) {
        return loading.computeIfAbsent(script, s -> {
            log.warn(
                    "Redis {} did not know script {} (restart or SCRIPT FLUSH?); loading it again",
                    address,
                    s.resource());
            CompletableFuture<String> loaded =
                    bounded(commands.scriptLoad(s.body()).toCompletableFuture());
            loaded.whenComplete((sha, error) -> loading.remove(s, loaded));
            return loaded;
        });
    }

    /** Loads every script up front, so a burst of first calls does not meet NOSCRIPT. */
    private void preload() {
        for (LuaScript script : LuaScript.values()) {
            connection.sync().scriptLoad(script.body());
        }
    }

    /** A caller's client may have no command timeout: bound every command ourselves too. */
    private <T> CompletableFuture<T> bounded(CompletableFuture<T> future) {
        return ownsClient ? future : future.orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int renewalGroup(String key) {
        return 0;
    }

    @Override
    public void onReleaseMessage(Consumer<String> listener) {
        this.releaseListener = listener;
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return bounded(pubSub.async().subscribe(channel).toCompletableFuture());
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return bounded(pubSub.async().unsubscribe(channel).toCompletableFuture());
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        return scanFrom(ScanCursor.INITIAL, ScanArgs.Builder.matches(pattern).limit(1000), keys)
                .thenApply(done -> keys);
    }

    private CompletableFuture<Void> scanFrom(ScanCursor cursor, ScanArgs args, List<String> sink) {
        return bounded(commands.scan(cursor, args).toCompletableFuture()).thenCompose(page -> {
            sink.addAll(page.getKeys());
            return page.isFinished() ? CompletableFuture.completedFuture(null) : scanFrom(page, args, sink);
        });
    }

    @Override
    public void close() {
        closeQuietly(pubSub::close);
        closeQuietly(connection::close);
        if (ownsClient) {
            closeQuietly(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        }
    }

    private static void closeQuietly(Runnable action) {
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
