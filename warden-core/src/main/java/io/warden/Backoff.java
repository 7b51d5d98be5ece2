package io.warden;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a waiter sleeps between safety-net checks when no release message arrives. Waiters are
 * normally woken by the release notification or at the holder's remaining TTL; this backoff only
 * bounds how long a lost notification can delay them. Exponential with full jitter between
 * {@code initial} and {@code max}. Immutable.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;

    private Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** The default: from 50 ms doubling up to 1 s. */
    public static Backoff defaults() {
        return exponential(Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    /**
     * A backoff from {@code initial}, doubling up to {@code max}.
     *
     * @throws IllegalArgumentException if {@code initial} is not positive or {@code max < initial}
     */
    public static Backoff exponential(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isZero() || initial.isNegative()) {
            throw new IllegalArgumentException("backoff initial delay must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max " + max + " is below its initial delay " + initial);
        }
        return new Backoff(initial, max);
    }

    public Duration initial() {
        return initial;
    }

    public Duration max() {
        return max;
    }

    /**
     * The delay before safety-net check number {@code attempt} (0-based), in nanoseconds: a random
     * value between half and all of {@code min(max, initial * 2^attempt)}.
     */
    public long delayNanos(int attempt) {
        long ceiling = initial.toNanos() << Math.min(attempt, 20);
        if (ceiling <= 0 || ceiling > max.toNanos()) {
            ceiling = max.toNanos();
        }
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    @Override
    public String toString() {
        return "Backoff[" + initial + " .. " + max + "]";
    }
}
