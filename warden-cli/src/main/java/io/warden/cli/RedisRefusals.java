package io.warden.cli;

import java.util.List;
import java.util.OptionalInt;

/**
 * Tells apart, among the failures the library reports as "Redis unavailable", the ones that are not
 * worth retrying because Redis answered with a refusal of the configuration: credentials and ACLs (77)
 * or a database number it does not have (78). Read from the server's error replies in the causes. A
 * TLS server whose certificate is not trusted is a configuration error too (78): retrying cannot help.
 */
final class RedisRefusals {
    /** Error replies (as Redis starts them) that a retry cannot fix: the credentials or the ACL. */
    private static final List<String> PERMISSION = List.of(
            "NOAUTH",
            "WRONGPASS",
            "NOPERM",
            "ERR invalid password",
            "ERR AUTH",
            "ERR Client sent AUTH, but no password is set");

    private static final List<String> CONFIGURATION = List.of("ERR DB index is out of range", "ERR invalid DB index");

    private RedisRefusals() {}

    /** True if a cause of {@code error} is a TLS certificate that failed verification. */
    static boolean untrustedCertificate(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.security.cert.CertificateException
                    || cause instanceof javax.net.ssl.SSLHandshakeException
                            && String.valueOf(cause.getMessage()).contains("certificat")) {
                return true;
            }
        }
        return false;
    }

    /** 77 or 78 if a cause of {@code error} is such a refusal, else empty. */
    static OptionalInt exitCode(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message == null) {
                continue;
            }
            if (PERMISSION.stream().anyMatch(message::startsWith)) {
                return OptionalInt.of(ExitCodes.NO_PERMISSION);
            }
            if (CONFIGURATION.stream().anyMatch(message::startsWith)) {
                return OptionalInt.of(ExitCodes.CONFIG);
            }
        }
        return untrustedCertificate(error) ? OptionalInt.of(ExitCodes.CONFIG) : OptionalInt.empty();
    }
}
