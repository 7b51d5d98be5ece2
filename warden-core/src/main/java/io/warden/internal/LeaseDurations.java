package io.warden.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks a lease-like duration where it enters: at least 1 ms (Redis's unit), at most ten years. */
final class LeaseDurations {
    static final Duration MIN = Duration.ofMillis(1);
    static final Duration MAX = Duration.ofDays(3650);

    private LeaseDurations() {}

    static long leaseNanos(Duration value, String what, String lockName) {
        Objects.requireNonNull(value, what);
        if (value.compareTo(MIN) < 0) {
            throw new IllegalArgumentException(
                    "lock '" + lockName + "': " + what + " must be at least 1 ms, got " + value);
        }
        if (value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(
                    "lock '" + lockName + "': " + what + " must be at most " + MAX.toDays() + " days, got " + value);
        }
        return value.toNanos();
    }
}
