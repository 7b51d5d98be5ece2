package io.warden.cli;

import io.lettuce.core.RedisURI;
import io.warden.Warden;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The options every command that talks to Redis shares: where Redis is, the key prefix, verbosity. */
final class ConnectionOptions {
    static final String DEFAULT_URI = "redis://localhost:6379";
    /** The password for a URI that names none: kept out of the command line, where ps shows it. */
    static final String PASSWORD_VARIABLE = "WARDEN_REDIS_PASSWORD";

    @Option(
            names = "--redis",
            paramLabel = "URI",
            description = {
                "Redis to use: redis://[user:password@]host[:port][/db], rediss:// for TLS; "
                        + "redis-sentinel://host:port,host:port#master for Sentinel; "
                        + "redis-cluster://host:port,host:port for a Redis Cluster. "
                        + "Given 3 or more times: Redlock over those independent masters "
                        + "(a lock is held when a majority holds it). "
                        + "Default: $WARDEN_REDIS_URL, else $REDIS_URL, else localhost:6379. "
                        + "$WARDEN_REDIS_PASSWORD: the password of a redis:// or rediss:// URI that names none."
            })
    private List<String> redis = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Bound on every Redis command and connection attempt (each sentinel asked included). "
                    + "Default: the URI's timeout parameter (?timeout=5s), else 3s.")
    private Duration timeout;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            defaultValue = "warden",
            description = "Key prefix (namespace) of the locks. Default: ${DEFAULT-VALUE}.")
    private String keyPrefix;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log Warden's activity (DEBUG) and print stack traces with errors.")
    private void setVerbose(boolean on) {
        if (on) {
            Logging.verbose();
        }
    }

    /** True when --redis was given on the command line (not from the environment or the default). */
    boolean explicit() {
        return !redis.isEmpty();
    }

    /** True when --redis was given several times: Redlock over independent masters. */
    boolean redlock() {
        return redis.size() > 1;
    }

    /** The one Redis to use, or the first Redlock node. */
    String uri() {
        if (!redis.isEmpty()) {
            return redis.get(0);
        }
        for (String variable : new String[] {"WARDEN_REDIS_URL", "REDIS_URL"}) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return DEFAULT_URI;
    }

    String keyPrefix() {
        return keyPrefix;
    }

    /**
     * {@code host:port} for messages, read from the URI without connecting (credentials left out);
     * {@code redlock[host:port,…]} for Redlock.
     */
    String address() {
        return redlock()
                ? redis.stream().map(ConnectionOptions::address).collect(Collectors.joining(",", "redlock[", "]"))
                : address(uri());
    }

    static String address(String uri) {
        try {
            URI parsed = URI.create(uri);
            if (parsed.getHost() == null) {
                return uri;
            }
            return parsed.getHost() + ":" + (parsed.getPort() > 0 ? parsed.getPort() : 6379);
        } catch (IllegalArgumentException e) {
            return uri;
        }
    }

    /** {@code uri} with any user and password replaced by {@code ***}, for messages. */
    static String redacted(String uri) {
        int start = uri.indexOf("://");
        if (start < 0) {
            return uri;
        }
        int end = uri.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int cut = uri.indexOf(c, start + 3);
            if (cut >= 0 && cut < end) {
                end = cut;
            }
        }
        int at = uri.lastIndexOf('@', end - 1);
        return at < start ? uri : uri.substring(0, start + 3) + "***" + uri.substring(at);
    }

    /**
     * Connects, with the settings {@code customize} adds.
     *
     * @throws io.warden.RedisUnavailableException if Redis cannot be reached
     * @throws IllegalArgumentException if the URI or prefix is malformed
     */
    Warden connect(UnaryOperator<Warden.Builder> customize) {
        Warden.Builder builder;
        if (redlock()) {
            redis.forEach(RedisUriCheck::check);
            builder = Warden.builder().redlock(redis);
        } else {
            RedisUriCheck.check(uri());
            String password = System.getenv(PASSWORD_VARIABLE);
            boolean plain = uri().startsWith("redis://") || uri().startsWith("rediss://");
            builder = password == null || password.isEmpty() || !plain
                    ? Warden.builder().uri(uri())
                    : Warden.builder().uri(withPassword(uri(), password));
        }
        if (timeout != null) {
            builder.commandTimeout(timeout);
        }
        return customize.apply(builder.keyPrefix(keyPrefix)).build();
    }

    /**
     * {@code uri} with {@code password} when it names none, so that the password need not appear on
     * a command line (where {@code ps} shows it): {@code redis://host} logs in as the default user,
     * {@code redis://USER@host} as USER. A URI that names its own password keeps it.
     */
    static RedisURI withPassword(String uri, String password) {
        int start = uri.indexOf("://") + 3;
        int authorityEnd = authorityEnd(uri, start);
        int at = uri.lastIndexOf('@', authorityEnd - 1);
        String user = at < start ? null : uri.substring(start, at);
        if (user != null && user.contains(":")) {
            return RedisURI.create(uri);
        }
        String bare = user == null ? uri : uri.substring(0, start) + uri.substring(at + 1);
        RedisURI.Builder builder = RedisURI.builder(RedisURI.create(bare));
        return (user == null || user.isEmpty()
                        ? builder.withPassword(password)
                        : builder.withAuthentication(user, password))
                .build();
    }

    private static int authorityEnd(String uri, int start) {
        int end = uri.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int cut = uri.indexOf(c, start);
            if (cut >= 0 && cut < end) {
                end = cut;
            }
        }
        return end;
    }

    Warden connect() {
        return connect(builder -> builder);
    }
}
