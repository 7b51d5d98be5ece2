package io.warden.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.warden.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A single Redis server, a managed endpoint that behaves like one, or the master a Sentinel group
 * names ({@code redis-sentinel://} URI: Lettuce asks the sentinels for the master on every
 * reconnect, so after a failover the connections follow the new master). One command connection,
 * shared and pipelined by Lettuce, and one pub/sub connection for release messages.
 */
final class StandaloneBackend extends LettuceBackend {
    private final RedisClient client;
    private final boolean ownsClient;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;

    private StandaloneBackend(
            RedisClient client,
            boolean ownsClient,
            String address,
            Connection target,
            StatefulRedisConnection<String, String> connection,
            StatefulRedisPubSubConnection<String, String> pubSub) {
        super(address, target, !ownsClient);
        this.client = client;
        client.addListener(disconnectCounter);
        this.ownsClient = ownsClient;
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

    /**
     * Connects as {@code target} says. {@code failFast} makes commands fail at once while the
     * connection is down instead of queueing until it returns (Redlock nodes: a down node must not
     * hold up the others). {@code resources} are shared event loops, or null for the client's own.
     */
    static StandaloneBackend connect(Connection target, boolean failFast, @Nullable ClientResources resources) {
        RedisClient given = target.client();
        boolean owns = given == null;
        RedisClient client = given != null
                ? given
                : new AsyncOnlyRedisClient(resources, Objects.requireNonNull(target.uri(), "uri"));
        String address = target.uri() != null ? RedisUris.describe(target.uri()) : "redis (caller's client)";
        if (owns) {
            ClientOptions.Builder options = ClientOptions.builder()
                    .timeoutOptions(TimeoutOptions.enabled(target.commandTimeout()))
                    .socketOptions(SocketOptions.builder()
                            .connectTimeout(target.commandTimeout())
                            .keepAlive(true)
                            .build())
                    .disconnectedBehavior(
                            failFast
                                    ? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS
                                    : ClientOptions.DisconnectedBehavior.DEFAULT);
            if (target.uri() != null && TlsSettings.used(List.of(target.uri()))) {
                options.sslOptions(target.tls().sslOptions(target.commandTimeout()));
            }
            client.setOptions(options.build());
        }
        StatefulRedisConnection<String, String> connection = null;
        StatefulRedisPubSubConnection<String, String> pubSub = null;
        try {
            connection = client.connect(StringCodec.UTF8);
            pubSub = client.connectPubSub(StringCodec.UTF8);
            StandaloneBackend backend = new StandaloneBackend(client, owns, address, target, connection, pubSub);
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

    @Override
    RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /** Loads every script up front, so a burst of first calls does not meet NOSCRIPT. */
    private void preload() {
        // Pipelined: one round trip for all of them.
        List<CompletableFuture<String>> loads = new ArrayList<>();
        for (LuaScript script : LuaScript.values()) {
            loads.add(commands.scriptLoad(script.body()).toCompletableFuture());
        }
        for (CompletableFuture<String> load : loads) {
            Futures.awaitUninterruptibly(load);
        }
    }

    @Override
    public int renewalGroup(String key) {
        return 0;
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
    public boolean connected() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        client.removeListener(disconnectCounter);
        closeQuietly(pubSub::close);
        closeQuietly(connection::close);
        if (ownsClient) {
            closeQuietly(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        }
    }
}
