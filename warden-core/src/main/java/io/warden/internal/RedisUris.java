package io.warden.internal;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Parses the connection strings Warden accepts beyond Lettuce's own: {@code
 * redis-cluster://[user:password@]host:port,host:port,...} (and {@code rediss-cluster://} for TLS),
 * whose hosts are seeds of one Redis Cluster. Also names endpoints for error messages.
 */
public final class RedisUris {
    private static final String CLUSTER = "redis-cluster://";
    private static final String CLUSTER_TLS = "rediss-cluster://";

    private RedisUris() {}

    /** True if {@code text} names a Redis Cluster by its seed nodes. */
    public static boolean isCluster(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.startsWith(CLUSTER) || lower.startsWith(CLUSTER_TLS);
    }

    /**
     * The seed nodes of a {@code redis-cluster://} string, each as a {@code redis://} URI carrying the
     * shared credentials and query options.
     *
     * @throws IllegalArgumentException if it names no host or a host is malformed
     */
    public static List<RedisURI> clusterSeeds(String text) {
        boolean tls = text.toLowerCase(Locale.ROOT).startsWith(CLUSTER_TLS);
        String rest = text.substring((tls ? CLUSTER_TLS : CLUSTER).length());
        int at = rest.lastIndexOf('@');
        String credentials = at >= 0 ? rest.substring(0, at + 1) : "";
        rest = at >= 0 ? rest.substring(at + 1) : rest;
        int end = rest.length();
        for (char stop : new char[] {'/', '?'}) {
            int index = rest.indexOf(stop);
            if (index >= 0 && index < end) {
                end = index;
            }
        }
        String tail = rest.substring(end);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : rest.substring(0, end).split(",", -1)) {
            if (host.isBlank()) {
                continue;
            }
            String seed = (tls ? "rediss://" : "redis://") + credentials + host.trim() + tail;
            try {
                seeds.add(RedisURI.create(seed));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "not a Redis Cluster URI: '" + text + "': bad node '" + host + "': " + e.getMessage(), e);
            }
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("not a Redis Cluster URI: '" + text + "': it names no node");
        }
        return seeds;
    }

    /**
     * A copy of {@code uri} with its command timeout set to {@code timeout}; a Sentinel URI's
     * sentinels get it too. The caller's URI is never changed.
     */
    public static RedisURI withTimeout(RedisURI uri, Duration timeout) {
        if (uri.getSentinels().isEmpty()) {
            return RedisURI.builder(uri).withTimeout(timeout).build();
        }
        // Lettuce's builder cannot copy a Sentinel URI ("must be provided Host, Socket or
        // Sentinel"), so it is copied field by field. The master is found by asking the sentinels,
        // each with its own timeout: left alone, a hung sentinel held connecting for Lettuce's
        // default of 60 s.
        RedisURI copy = new RedisURI();
        copy.setSentinelMasterId(uri.getSentinelMasterId());
        for (RedisURI sentinel : uri.getSentinels()) {
            copy.getSentinels().add(withTimeout(sentinel, timeout));
        }
        copy.setDatabase(uri.getDatabase());
        copy.setCredentialsProvider(uri.getCredentialsProvider());
        copy.applySsl(uri);
        copy.setClientName(uri.getClientName());
        copy.setLibraryName(uri.getLibraryName());
        copy.setLibraryVersion(uri.getLibraryVersion());
        copy.setTimeout(timeout);
        return copy;
    }

    /**
     * The user info of a URI text when it names no password ({@code redis://NAME@host}: NAME, which
     * Lettuce reads as a password), else null.
     */
    public static @Nullable String userOnly(String text) {
        int start = text.indexOf("://");
        if (start < 0) {
            return null;
        }
        start += 3;
        int end = text.length();
        for (char stop : new char[] {'/', '?', '#'}) {
            int index = text.indexOf(stop, start);
            if (index >= 0 && index < end) {
                end = index;
            }
        }
        int at = text.lastIndexOf('@', end - 1);
        if (at < start) {
            return null;
        }
        String info = text.substring(start, at);
        return info.isEmpty() || info.contains(":") ? null : info;
    }

    /**
     * Gives {@code uri} (a URI of this Warden's own, such as {@link #withTimeout}'s result) the
     * password {@code password} if it names none, in place, keeping its user name; a Sentinel URI's
     * sentinels get it too when they name none. A URI that names its password keeps it.
     */
    public static RedisURI withDefaultPassword(RedisURI uri, CharSequence password) {
        setIfNone(uri, password);
        for (RedisURI sentinel : uri.getSentinels()) {
            setIfNone(sentinel, password);
        }
        return uri;
    }

    private static void setIfNone(RedisURI uri, CharSequence password) {
        // A parsed URI's provider hands out its own fields at once (no I/O): safe to wait for.
        RedisCredentialsProvider provider = uri.getCredentialsProvider();
        RedisCredentials credentials =
                provider == null ? null : provider.resolveCredentials().block(Duration.ofSeconds(1));
        if (credentials != null && credentials.hasPassword()) {
            return;
        }
        if (credentials != null && credentials.hasUsername()) {
            uri.setAuthentication(credentials.getUsername(), password);
        } else {
            uri.setAuthentication(password);
        }
    }

    /** The {@code timeout} a URI names itself ({@code ?timeout=5s}), if it differs from Lettuce's default. */
    public static java.util.Optional<Duration> ownTimeout(RedisURI uri) {
        Duration own = uri.getTimeout();
        return own == null || own.equals(RedisURI.DEFAULT_TIMEOUT_DURATION)
                ? java.util.Optional.empty()
                : java.util.Optional.of(own);
    }

    /** A short name of an endpoint for messages: host:port, a socket, or a Sentinel group. */
    static String describe(RedisURI uri) {
        if (!uri.getSentinels().isEmpty()) {
            return "sentinel:" + uri.getSentinelMasterId() + "@"
                    + uri.getSentinels().stream()
                            .map(s -> s.getHost() + ":" + s.getPort())
                            .collect(Collectors.joining(","));
        }
        if (uri.getSocket() != null) {
            return uri.getSocket();
        }
        return uri.getHost() + ":" + uri.getPort();
    }

    /** A short name of several endpoints, as in {@code cluster[h1:p1,h2:p2]}. */
    static String describe(String kind, List<RedisURI> uris) {
        return kind + "[" + uris.stream().map(RedisUris::describe).collect(Collectors.joining(",")) + "]";
    }
}
