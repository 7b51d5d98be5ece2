package io.warden.cli;

import io.warden.Warden;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
                        + "$WARDEN_REDIS_PASSWORD: the password of every URI that names none "
                        + "(with the URI's user: redis://USER@host), Sentinel, Cluster and Redlock included."
            })
    private List<String> redis = new ArrayList<>();

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "Read the password from the first line of FILE (for every URI that names none, like"
                    + " $WARDEN_REDIS_PASSWORD, which it overrides): neither ps nor the environment shows it."
                    + " Keep FILE readable by its owner only.")
    private Path passwordFile;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            description = "For rediss:// (TLS): trust the CA certificates in this PEM file instead of Java's"
                    + " default ones (a private CA, a self-signed server certificate). The host name is still"
                    + " checked. As redis-cli --cacert.")
    private Path tlsCa;

    @Option(
            names = "--tls-insecure",
            description = "For rediss:// (TLS): accept any server certificate, unchecked. For tests only: anyone"
                    + " between warden and Redis can then read and change the traffic. As redis-cli --insecure.")
    private boolean tlsInsecure;

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
            builder = Warden.builder().uri(uri());
        }
        String password = password();
        if (password != null) {
            builder.password(password);
        }
        if (tlsCa != null) {
            builder.tlsTrustedCertificates(tlsCa);
        }
        if (tlsInsecure) {
            builder.tlsVerifyPeer(false);
        }
        if (timeout != null) {
            builder.commandTimeout(timeout);
        }
        return customize.apply(builder.keyPrefix(keyPrefix)).build();
    }

    /**
     * The password for URIs that name none: the first line of --password-file, else
     * $WARDEN_REDIS_PASSWORD, else none.
     *
     * @throws IllegalArgumentException if the file cannot be read
     */
    private String password() {
        if (passwordFile != null) {
            try (BufferedReader reader = Files.newBufferedReader(passwordFile, StandardCharsets.UTF_8)) {
                String line = reader.readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("--password-file " + passwordFile + ": its first line is empty");
                }
                return line;
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--password-file " + passwordFile + ": cannot read it ("
                                + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())
                                + ")",
                        e);
            }
        }
        String variable = System.getenv(PASSWORD_VARIABLE);
        return variable == null || variable.isEmpty() ? null : variable;
    }

    Warden connect() {
        return connect(builder -> builder);
    }
}
