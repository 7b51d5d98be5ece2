package io.warden.internal;

import io.lettuce.core.RedisException;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.warden.RedisUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster. Every lock's keys share a hash tag, so each script touches one slot; Lettuce
 * routes each call to the slot's master and follows MOVED/ASK and topology changes (refreshed
 * periodically and on redirects). Renewals are grouped by slot. Release messages travel over
 * sharded pub/sub (SSUBSCRIBE on the slot's master, SPUBLISH in the scripts) on Redis 7, else over
 * classic pub/sub, which the cluster broadcasts to every node.
 *
 * <p>A script meeting a slot in the middle of a migration with its keys split between the two
 * nodes gets TRYAGAIN; it is retried after a short pause, within the command timeout. Shard
 * subscriptions follow their slots: to the new owner after a migration (the server drops them)
 * and to the promoted replica after a failover (the dead master cannot say so), at the topology
 * refresh that shows the change.
 */
final class ClusterBackend extends LettuceBackend {
    private static final Logger log = LoggerFactory.getLogger(ClusterBackend.class);
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(2);
    private static final long RETRY_PAUSE_MILLIS = 25;
    private static final long RESUBSCRIBE_PAUSE_MILLIS = 100;

    private final RedisClusterClient client;
    private final StatefulRedisClusterConnection<String, String> connection;
    private final StatefulRedisClusterPubSubConnection<String, String> pubSub;
    private final boolean sharded;
    private final long retryBudgetNanos;
    /** Release channels we want to hear, and whether the subscription is sharded. */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** The node each sharded subscription was made on. */
    private final Map<String, String> subscribedAt = new ConcurrentHashMap<>();

    private volatile boolean closed;
    private final Ticker ticker;
    /** Follows topology changes, so that shard subscriptions move with their slots. */
    private final reactor.core.Disposable topologyEvents;

    private ClusterBackend(
            Connection target,
            Ticker ticker,
            String address,
            RedisClusterClient client,
            StatefulRedisClusterConnection<String, String> connection,
            StatefulRedisClusterPubSubConnection<String, String> pubSub,
            boolean sharded) {
        super(address, target, false);
        this.ticker = ticker;
        this.client = client;
        client.addListener(disconnectCounter);
        this.connection = connection;
        this.pubSub = pubSub;
        this.sharded = sharded;
        this.retryBudgetNanos = target.commandTimeout().toNanos();
        pubSub.setNodeMessagePropagation(true);
        pubSub.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void message(RedisClusterNode node, String channel, String message) {
                releaseListener.accept(channel);
            }

            @Override
            public void smessage(RedisClusterNode node, String channel, String message) {
                releaseListener.accept(channel);
            }

            @Override
            public void sunsubscribed(RedisClusterNode node, String channel, long count) {
                serverUnsubscribed(node, channel);
            }
        });
        this.topologyEvents = client.getResources()
                .eventBus()
                .get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> followSlots());
    }

    // Lettuce 7 deprecates the adaptive-trigger builder methods without a replacement in this
    // version; without the triggers a failover is noticed only at the next periodic refresh.
    @SuppressWarnings("deprecation")
    static ClusterBackend connect(Connection target, Ticker ticker) {
        String address = RedisUris.describe("cluster", target.clusterSeeds());
        RedisClusterClient client = RedisClusterClient.create(target.clusterSeeds());
        ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(target.commandTimeout()))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(target.commandTimeout())
                        .keepAlive(true)
                        .build())
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                        .enableAdaptiveRefreshTrigger(
                                ClusterTopologyRefreshOptions.RefreshTrigger.MOVED_REDIRECT,
                                ClusterTopologyRefreshOptions.RefreshTrigger.ASK_REDIRECT,
                                ClusterTopologyRefreshOptions.RefreshTrigger.PERSISTENT_RECONNECTS,
                                ClusterTopologyRefreshOptions.RefreshTrigger.UNCOVERED_SLOT,
                                ClusterTopologyRefreshOptions.RefreshTrigger.UNKNOWN_NODE)
                        .refreshTriggersReconnectAttempts(2)
                        .build());
        if (TlsSettings.used(target.clusterSeeds())) {
            options.sslOptions(target.tls().sslOptions(target.commandTimeout()));
        }
        client.setOptions(options.build());
        StatefulRedisClusterConnection<String, String> connection = null;
        StatefulRedisClusterPubSubConnection<String, String> pubSub = null;
        try {
            connection = client.connect(StringCodec.UTF8);
            pubSub = client.connectPubSub(StringCodec.UTF8);
            boolean sharded = majorVersion(connection.sync().info("server")) >= 7;
            ClusterBackend backend = new ClusterBackend(target, ticker, address, client, connection, pubSub, sharded);
            backend.preload();
            return backend;
        } catch (RedisException e) {
            if (pubSub != null) {
                pubSub.close();
            }
            if (connection != null) {
                connection.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new RedisUnavailableException(null, address, "cannot connect: " + Failures.rootMessage(e), e);
        }
    }

    private static int majorVersion(String info) {
        for (String line : info.split("\r?\n", -1)) {
            if (line.startsWith("redis_version:")) {
                String version = line.substring("redis_version:".length()).trim();
                int dot = version.indexOf('.');
                return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
            }
        }
        return 0;
    }

    /** Loads the scripts on every node up front; a node that misses them loads on first use. */
    private void preload() {
        for (LuaScript script : LuaScript.values()) {
            try {
                connection.sync().scriptLoad(script.body());
            } catch (RedisException e) {
                log.debug("could not preload {} on every node: {}", script.resource(), Failures.rootMessage(e));
            }
        }
    }

    @Override
    RedisClusterAsyncCommands<String, String> commands() {
        return connection.async();
    }

    @Override
    public boolean shardedPubSub() {
        return sharded;
    }

    @Override
    public int renewalGroup(String key) {
        return SlotHash.getSlot(key);
    }

    @Override
    <T> CompletableFuture<T> retrying(Supplier<CompletableFuture<T>> call) {
        return withRetry(call, ticker.nanos());
    }

    /** Retries {@code call} while the cluster answers TRYAGAIN (a slot mid-migration), within budget. */
    private <T> CompletableFuture<T> withRetry(Supplier<CompletableFuture<T>> call, long startedAt) {
        return call.get().exceptionallyCompose(error -> {
            if (!isTryAgain(error) || ticker.nanos() - startedAt > retryBudgetNanos || closed) {
                return CompletableFuture.failedFuture(error);
            }
            Executor later = CompletableFuture.delayedExecutor(RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored -> withRetry(call, startedAt));
        });
    }

    static boolean isTryAgain(Throwable error) {
        String message = Failures.unwrap(error).getMessage();
        return message != null && message.startsWith("TRYAGAIN");
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        wanted.add(channel);
        if (!sharded) {
            return bounded(pubSub.async().subscribe(channel).toCompletableFuture());
        }
        return shardSubscribe(channel);
    }

    private CompletableFuture<Void> shardSubscribe(String channel) {
        RedisClusterNode master = client.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
        if (master == null) {
            return CompletableFuture.failedFuture(new RedisException("no master serves the slot of " + channel));
        }
        String nodeId = master.getNodeId();
        subscribedAt.put(channel, nodeId);
        return bounded(pubSub.getConnectionAsync(nodeId)
                        .thenCompose(node -> node.async().ssubscribe(channel).toCompletableFuture()))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        subscribedAt.remove(channel, nodeId); // the next topology change tries again
                    }
                });
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        wanted.remove(channel);
        if (!sharded) {
            return bounded(pubSub.async().unsubscribe(channel).toCompletableFuture());
        }
        String nodeId = subscribedAt.remove(channel);
        if (nodeId == null) {
            return CompletableFuture.completedFuture(null);
        }
        return bounded(pubSub.getConnectionAsync(nodeId)
                .thenCompose(node -> node.async().sunsubscribe(channel).toCompletableFuture()));
    }

    /**
     * The server dropped a shard subscription we did not give up: its slot moved (a migration; a
     * failed-over master says nothing, see {@link #followSlots}). The subscription is made again on
     * the slot's new master once the topology shows it: a refresh is asked for now, and its change
     * event (or the periodic refresh) moves the subscription. Waiters meanwhile still wake on their
     * timers, so a message missed in between only delays them.
     */
    private void serverUnsubscribed(RedisClusterNode node, String channel) {
        if (closed || !wanted.contains(channel) || !subscribedAt.remove(channel, node.getNodeId())) {
            return; // given up by us, or an old node's late notice about a subscription moved already
        }
        log.debug("shard subscription to {} was dropped by the server (slot moved); subscribing again", channel);
        Executor later = CompletableFuture.delayedExecutor(RESUBSCRIBE_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        CompletableFuture.runAsync(
                () -> client.refreshPartitionsAsync().whenComplete((ok, error) -> followSlots()), later);
    }

    /**
     * Makes every wanted shard subscription live on its slot's current master: after a migration,
     * and after a failover, when the dead master's subscriptions are gone without a word. Runs on
     * every topology change Lettuce reports; subscribing to a channel already subscribed on a node
     * changes nothing.
     */
    private void followSlots() {
        if (closed || !sharded) {
            return;
        }
        for (String channel : wanted) {
            RedisClusterNode master = client.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
            String at = subscribedAt.get(channel);
            if (master == null || master.getNodeId().equals(at)) {
                continue;
            }
            log.debug("shard channel {} moved to {}; subscribing there", channel, master.getUri());
            shardSubscribe(channel).whenComplete((ok, error) -> {
                if (error != null) {
                    log.debug(
                            "subscribing to {} failed; retried at the next topology change: {}",
                            channel,
                            Failures.rootMessage(error));
                }
            });
        }
    }

    @Override
    public void close() {
        client.removeListener(disconnectCounter);
        closed = true;
        topologyEvents.dispose();
        closeQuietly(pubSub::close);
        closeQuietly(connection::close);
        closeQuietly(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    }
}
