package io.warden.internal;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How TLS connections ({@code rediss://}) check the server: against the JVM's trust store, against
 * the CA certificates of one PEM file, or not at all. Plain connections ignore it.
 *
 * @param trustedCertificates a PEM file of the CA certificates to trust instead of the JVM's, or null
 * @param verifyPeer false to accept any certificate (tests only: it gives up all protection against
 *     an impostor)
 */
public record TlsSettings(@Nullable Path trustedCertificates, boolean verifyPeer) {
    /** The JVM's trust store, certificate and host name checked. */
    public static final TlsSettings DEFAULT = new TlsSettings(null, true);

    /**
     * Whether any of {@code uris} (or a Sentinel URI's sentinels) connects with TLS: only then are TLS
     * options built, which loads the TLS classes (time a plain connection need not spend).
     */
    static boolean used(java.util.List<RedisURI> uris) {
        for (RedisURI uri : uris) {
            if (uri.isSsl() || uri.getSentinels().stream().anyMatch(RedisURI::isSsl)) {
                return true;
            }
        }
        return false;
    }

    /** Lettuce's options for this: the trust, and a handshake bounded by {@code timeout}. */
    SslOptions sslOptions(Duration timeout) {
        SslOptions.Builder builder = SslOptions.builder().handshakeTimeout(timeout);
        if (trustedCertificates != null) {
            builder.trustManager(trustedCertificates.toFile());
        }
        return builder.build();
    }

    /**
     * Turns peer verification off in {@code uri} (and its sentinels) when asked, in place: give it a
     * URI of this Warden's own, such as {@link RedisUris#withTimeout}'s result.
     */
    public RedisURI applyTo(RedisURI uri) {
        if (!verifyPeer) {
            uri.setVerifyPeer(SslVerifyMode.NONE);
            for (RedisURI sentinel : uri.getSentinels()) {
                sentinel.setVerifyPeer(SslVerifyMode.NONE);
            }
        }
        return uri;
    }
}
