package io.warden.spring.boot;

import io.warden.Warden;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * The application's Spring Data Redis connection ({@code spring.data.redis.*}, or connection
 * details from Testcontainers or Docker Compose) as Warden's target: host, port, database,
 * username, password, TLS, Sentinel and Cluster nodes, and {@code spring.data.redis.timeout} as the
 * command timeout. Warden opens its own connections with these settings; it does not share Spring's.
 *
 * <p>Not carried over: the trust material of an SSL bundle (Warden uses the JVM's default trust
 * store, so a named bundle fails startup rather than being silently ignored), master/replica node
 * lists, and client pool settings.
 */
final class DataRedisTarget implements RedisTarget {
    private final DataRedisConnectionDetails details;
    private final @Nullable DataRedisProperties properties;

    DataRedisTarget(DataRedisConnectionDetails details, @Nullable DataRedisProperties properties) {
        this.details = details;
        this.properties = properties;
    }

    @Override
    public String source() {
        return "spring.data.redis.*";
    }

    @Override
    public void applyTo(Warden.Builder builder) {
        boolean ssl = details.getSslBundle() != null;
        if (ssl
                && properties != null
                && WardenSettings.hasText(properties.getSsl().getBundle())) {
            throw new IllegalArgumentException("spring.data.redis.ssl.bundle: Warden cannot use an SSL bundle's trust"
                    + " material; set warden.uri (rediss://, JVM trust store) or define a Warden bean");
        }
        DataRedisConnectionDetails.Cluster cluster = details.getCluster();
        DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
        if (cluster != null) {
            builder.uri((ssl ? "rediss-cluster://" : "redis-cluster://")
                    + WardenSettings.userInfo(details.getUsername(), details.getPassword())
                    + String.join(
                            ",",
                            cluster.getNodes().stream()
                                    .map(n -> n.host() + ":" + n.port())
                                    .toList()));
        } else if (sentinel != null) {
            List<HostPort> nodes = sentinel.getNodes().stream()
                    .map(n -> new HostPort(n.host(), n.port()))
                    .toList();
            builder.uri(Uris.sentinel(
                    sentinel.getMaster(),
                    nodes,
                    sentinel.getPassword(),
                    details.getUsername(),
                    details.getPassword(),
                    sentinel.getDatabase(),
                    ssl));
        } else {
            DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
            if (standalone == null) {
                throw new IllegalArgumentException(
                        "spring.data.redis: only standalone, Sentinel and Cluster connections"
                                + " can be used by Warden; set warden.uri");
            }
            builder.uri(Uris.standalone(
                    standalone.getHost(),
                    standalone.getPort(),
                    details.getUsername(),
                    details.getPassword(),
                    standalone.getDatabase(),
                    ssl));
        }
        Duration timeout = properties == null ? null : properties.getTimeout();
        if (timeout != null) {
            try {
                builder.commandTimeout(timeout);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("spring.data.redis.timeout: " + e.getMessage(), e);
            }
        }
    }
}
