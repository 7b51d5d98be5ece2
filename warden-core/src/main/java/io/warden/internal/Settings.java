package io.warden.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.warden.Backoff;
import io.warden.FencingTokens;
import io.warden.LossPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A Warden's validated configuration. Built by {@code Warden.Builder}. Exactly one way to reach
 * Redis is set: {@code uri} (a server, or Sentinel with a {@code redis-sentinel://} URI), {@code
 * client}, {@code clusterSeeds} (Redis Cluster) or {@code redlockNodes} (independent masters).
 *
 * @param replicaAcks replicas that must acknowledge each write (WAIT); 0 turns it off
 * @param replicaAckTimeout how long WAIT may block for those acknowledgements
 * @param fencingTokens how tokens are minted when {@code fencing} is on; null means the default,
 *     {@link FencingTokens#CLOCK_FLOORED}
 */
public record Settings(
        @Nullable RedisURI uri,
        @Nullable RedisClient client,
        List<RedisURI> clusterSeeds,
        List<RedisURI> redlockNodes,
        String keyPrefix,
        Duration defaultLeaseTime,
        Duration defaultWait,
        Duration commandTimeout,
        int renewalsPerLease,
        boolean fencing,
        Backoff waitBackoff,
        LossPolicy lossPolicy,
        @Nullable Executor callbackExecutor,
        int replicaAcks,
        Duration replicaAckTimeout,
        FencingTokens fencingTokens) {

    public Settings {
        clusterSeeds = clusterSeeds == null ? List.of() : List.copyOf(clusterSeeds);
        redlockNodes = redlockNodes == null ? List.of() : List.copyOf(redlockNodes);
        int ways = (uri != null ? 1 : 0)
                + (client != null ? 1 : 0)
                + (clusterSeeds.isEmpty() ? 0 : 1)
                + (redlockNodes.isEmpty() ? 0 : 1);
        if (ways != 1) {
            throw new IllegalArgumentException(
                    "exactly one of a Redis URI, a client, Cluster seeds or Redlock nodes is required");
        }
        if (lossPolicy == null) {
            lossPolicy = LossPolicy.INTERRUPT;
        }
        if (replicaAckTimeout == null) {
            replicaAckTimeout = Duration.ZERO;
        }
        if (fencingTokens == null) {
            fencingTokens = FencingTokens.CLOCK_FLOORED;
        }
    }

    /** The settings one node of a Redlock group is reached with: the same, aimed at {@code node}. */
    Settings forNode(RedisURI node) {
        return new Settings(
                node,
                null,
                List.of(),
                List.of(),
                keyPrefix,
                defaultLeaseTime,
                defaultWait,
                commandTimeout,
                renewalsPerLease,
                fencing,
                waitBackoff,
                lossPolicy,
                callbackExecutor,
                replicaAcks,
                replicaAckTimeout,
                fencingTokens);
    }
}
