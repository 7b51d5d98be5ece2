package io.warden.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Unguessable owner tokens: 128 random bits from {@link SecureRandom}, hex-encoded. */
final class OwnerTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerTokens() {}

    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
