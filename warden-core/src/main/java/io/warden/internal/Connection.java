package io.warden.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a Warden reaches Redis: exactly one of {@code uri} (a server, or Sentinel with a {@code
 * redis-sentinel://} URI), {@code client}, {@code clusterSeeds} (Redis Cluster) or {@code
 * redlockNodes} (independent masters), and the limits of every command sent there. Built by {@code
 * Warden.Builder}; the backends read nothing else.
 *
 * @param replicaAcks replicas that must acknowledge each write (WAIT); 0 turns it off
 * @param replicaAckTimeout how long WAIT may block for those acknowledgements
 * @param tls how TLS connections check the server
 */
public record Connection(
        @Nullable RedisURI uri,
        @Nullable RedisClient client,
        List<RedisURI> clusterSeeds,
        List<RedisURI> redlockNodes,
        Duration commandTimeout,
        int replicaAcks,
        Duration replicaAckTimeout,
        TlsSettings tls) {

    public Connection {
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
        if (replicaAckTimeout == null) {
            replicaAckTimeout = Duration.ZERO;
        }
    }

    /** As above, with the default TLS settings. */
    public Connection(
            @Nullable RedisURI uri,
            @Nullable RedisClient client,
            List<RedisURI> clusterSeeds,
            List<RedisURI> redlockNodes,
            Duration commandTimeout,
            int replicaAcks,
            Duration replicaAckTimeout) {
        this(
                uri,
                client,
                clusterSeeds,
                redlockNodes,
                commandTimeout,
                replicaAcks,
                replicaAckTimeout,
                TlsSettings.DEFAULT);
    }

    /** One server at {@code uri}, with the given command timeout and no replica acknowledgement. */
    static Connection to(RedisURI uri, Duration commandTimeout) {
        return new Connection(uri, null, List.of(), List.of(), commandTimeout, 0, Duration.ZERO);
    }

    /** How one node of a Redlock group is reached: as this group is, aimed at {@code node}. */
    Connection forNode(RedisURI node) {
        return new Connection(node, null, List.of(), List.of(), commandTimeout, replicaAcks, replicaAckTimeout, tls);
    }
}
