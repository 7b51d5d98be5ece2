package io.warden.internal;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Unguessable owner tokens: 128 random bits, written on the wire as 32 lowercase hex characters. A
 * held lease keeps its token as two {@code long}s ({@link #high}, {@link #low}) and formats it
 * ({@link #format}) only when it sends it.
 *
 * <p>The bits come from a fixed set of DRBGs (NIST SP 800-90A, the JDK's {@code DRBG}), each seeded
 * from the platform's entropy source on its first draw, drawn 32 tokens at a time, and chosen by
 * the calling thread's id.
 * One shared {@link SecureRandom} (NativePRNG on Linux, synchronized) made every thread that
 * acquires queue on one lock; stripes keep threads apart without per-thread state, which
 * short-lived or virtual threads would pay a fresh seeding for on every first acquire. Each stripe
 * is still synchronized inside, so concurrent draws on one stripe stay correct, only slower.
 */
final class OwnerTokens {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    /** Made at class initialisation (each DRBG seeds itself on first draw), so every thread sees them whole. */
    private static final Stripe[] STRIPES = stripes();

    private OwnerTokens() {}

    /** A fresh token, formatted for the wire. */
    static String next() {
        // Thread ids are sequential: mixed, so that threads made together spread over the stripes.
        long mixed = Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        return STRIPES[(int) (mixed >>> 32) & (STRIPES.length - 1)].next();
    }

    /** The token of {@code high} and {@code low}: 32 lowercase hex characters. */
    static String format(long high, long low) {
        byte[] text = new byte[32];
        for (int i = 15; i >= 0; i--) {
            text[i] = HEX[(int) (high & 0xF)];
            text[16 + i] = HEX[(int) (low & 0xF)];
            high >>>= 4;
            low >>>= 4;
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** The first 64 bits of {@code token}, which must be 32 lowercase hex characters. */
    static long high(String token) {
        return parse(token, 0);
    }

    /** The last 64 bits of {@code token}, which must be 32 lowercase hex characters. */
    static long low(String token) {
        return parse(token, 16);
    }

    private static long parse(String token, int from) {
        if (token.length() != 32) {
            throw new IllegalArgumentException("an owner token is 32 hex characters, got '" + token + "'");
        }
        long value = 0;
        for (int i = from; i < from + 16; i++) {
            char c = token.charAt(i);
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("an owner token is lowercase hex, got '" + token + "'");
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom(); // every JDK since 9 has DRBG; the platform default otherwise
        }
    }

    /** A power of two, at least twice the processors, so that threads rarely share a stripe. */
    private static Stripe[] stripes() {
        int wanted = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
        Stripe[] stripes = new Stripe[Math.min(64, Integer.highestOneBit(wanted - 1) << 1)];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe(newRandom());
        }
        return stripes;
    }

    /**
     * One DRBG and a buffer of its output: a DRBG call has a fixed cost of several hashes whatever
     * it returns, so drawing 32 tokens at once makes each about as cheap as its hex formatting.
     */
    private static final class Stripe {
        private static final int BUFFER = 32 * 16;

        private final SecureRandom random;
        private final byte[] buffer = new byte[BUFFER];
        private int next = BUFFER;

        Stripe(SecureRandom random) {
            this.random = random;
        }

        synchronized String next() {
            if (next == BUFFER) {
                random.nextBytes(buffer);
                next = 0;
            }
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++) {
                high = high << 8 | (buffer[next + i] & 0xFF);
                low = low << 8 | (buffer[next + 8 + i] & 0xFF);
            }
            next += 16;
            return format(high, low);
        }
    }
}
