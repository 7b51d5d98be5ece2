package io.warden.spring.boot;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Lettuce {@link RedisURI}s built from separate settings, so passwords never pass through a URI string. */
final class Uris {
    private Uris() {}

    static RedisURI standalone(
            String host, int port, @Nullable String username, @Nullable String password, int database, boolean ssl) {
        RedisURI.Builder b =
                RedisURI.Builder.redis(host, port).withDatabase(database).withSsl(ssl);
        credentials(b, username, password);
        return b.build();
    }

    static RedisURI sentinel(
            String master,
            List<HostPort> nodes,
            @Nullable String sentinelPassword,
            @Nullable String username,
            @Nullable String password,
            int database,
            boolean ssl) {
        HostPort first = nodes.get(0);
        RedisURI.Builder b = WardenSettings.hasText(sentinelPassword)
                ? RedisURI.Builder.sentinel(first.host(), first.port(), master, sentinelPassword)
                : RedisURI.Builder.sentinel(first.host(), first.port(), master);
        for (HostPort node : nodes.subList(1, nodes.size())) {
            if (WardenSettings.hasText(sentinelPassword)) {
                b.withSentinel(node.host(), node.port(), sentinelPassword);
            } else {
                b.withSentinel(node.host(), node.port());
            }
        }
        b.withDatabase(database).withSsl(ssl);
        credentials(b, username, password);
        return b.build();
    }

    private static void credentials(RedisURI.Builder b, @Nullable String username, @Nullable String password) {
        if (WardenSettings.hasText(password)) {
            if (WardenSettings.hasText(username)) {
                b.withAuthentication(username, password.toCharArray());
            } else {
                b.withPassword(password.toCharArray());
            }
        }
    }
}
