package io.warden.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The one place that checks a lease-like duration (lease time, maximum hold, {@code lockAtMostFor},
 * {@code lockAtLeastFor}, {@code Lease.extend}, the builder's defaults) and turns it into nanoseconds,
 * so that every entry point accepts the same range and words its refusal the same way.
 *
 * <p><b>Limits.</b> At least {@link #MIN_LEASE 1 ms}: Redis expiries are whole milliseconds, so a
 * shorter positive lease would be rounded to a different value than asked. At most {@link #MAX_LEASE
 * 3650 days} (ten years): Warden does its deadline arithmetic in {@code long} nanoseconds added to
 * {@code System.nanoTime()} (about 292 years of range in all, so {@link Duration#toNanos()} itself
 * overflows past that), and Redis adds the PEXPIRE milliseconds to its own clock; ten years keeps both
 * far from overflow while being longer than any lease anyone means. The command timeout has a
 * tighter limit, {@link #MAX_COMMAND_TIMEOUT one day}: Lettuce passes it to Netty as an {@code int} of
 * milliseconds (about 24.8 days), and a longer "timeout" is a hang.
 *
 * <p>Waits ({@code acquire(wait)}, the default wait) are not checked here: a very long wait
 * saturates to "forever".
 *
 * <p>Messages: {@code lock 'NAME': WHAT must be at most 3650 days (...), got PT...}, without the
 * lock part where there is no lock (builder settings). {@code null} is a {@link NullPointerException}
 * naming the parameter.
 */
public final class Durations {
    /** Shortest accepted lease-like duration: 1 ms, the resolution of Redis expiries. */
    public static final Duration MIN_LEASE = Duration.ofMillis(1);

    /** Longest accepted lease-like duration: 3650 days (ten years). */
    public static final Duration MAX_LEASE = Duration.ofDays(3650);

    /** Longest accepted command timeout: 1 day. */
    private static final Duration MAX_COMMAND_TIMEOUT = Duration.ofDays(1);

    private static final String MAX_LEASE_WHY =
            "3650 days (ten years, a safe margin below where nanosecond deadline arithmetic and Redis PEXPIRE"
                    + " math overflow)";
    private static final String MAX_COMMAND_TIMEOUT_WHY = "1 day (Lettuce hands it to Netty as an int of milliseconds)";

    private Durations() {}

    /**
     * A lease-like duration in nanoseconds: between {@link #MIN_LEASE} and {@link #MAX_LEASE}.
     *
     * @param what the parameter's name for the message, e.g. {@code "lease time"} or {@code "lockAtMostFor"}
     * @param lockName the lock's name for the message, or null where there is no lock (builder defaults)
     * @throws NullPointerException if {@code duration} is null, naming {@code what}
     * @throws IllegalArgumentException if zero, negative, under 1 ms or over 3650 days, naming the lock,
     *     {@code what}, the value and the limit
     */
    public static long leaseNanos(@Nullable Duration duration, String what, @Nullable String lockName) {
        return check(duration, what, lockName, false, MAX_LEASE, MAX_LEASE_WHY);
    }

    /**
     * Same as {@link #leaseNanos}, but zero is accepted (and returned as 0): for {@code lockAtLeastFor},
     * where zero means "release at once".
     */
    static long leaseNanosOrZero(@Nullable Duration duration, String what, @Nullable String lockName) {
        return check(duration, what, lockName, true, MAX_LEASE, MAX_LEASE_WHY);
    }

    /**
     * Checks a task lock's bounds against each other.
     *
     * @throws IllegalArgumentException naming the lock if {@code leastFor} exceeds {@code mostFor}
     */
    static void checkOrder(String name, Duration mostFor, Duration leastFor) {
        if (leastFor.compareTo(mostFor) > 0) {
            throw new IllegalArgumentException("task '" + name + "': lockAtLeastFor (" + leastFor
                    + ") must not exceed lockAtMostFor (" + mostFor + ")");
        }
    }

    /** A command timeout in nanoseconds: between {@link #MIN_LEASE 1 ms} and {@link #MAX_COMMAND_TIMEOUT}. */
    public static long commandTimeoutNanos(@Nullable Duration duration, String what) {
        return check(duration, what, null, false, MAX_COMMAND_TIMEOUT, MAX_COMMAND_TIMEOUT_WHY);
    }

    private static long check(
            @Nullable Duration duration,
            String what,
            @Nullable String lockName,
            boolean zeroAllowed,
            Duration max,
            String maxWhy) {
        String subject = lockName == null ? what : "lock '" + lockName + "': " + what;
        if (duration == null) {
            throw new NullPointerException(subject + " must not be null");
        }
        if (duration.isNegative() || (duration.isZero() && !zeroAllowed)) {
            throw new IllegalArgumentException(
                    subject + " must be " + (zeroAllowed ? "zero or " : "") + "positive, got " + duration);
        }
        if (duration.isZero()) {
            return 0;
        }
        if (duration.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException(subject + " must be at least 1 ms" + (zeroAllowed ? " (or zero)" : "")
                    + " (Redis expiries are whole milliseconds), got " + duration);
        }
        if (duration.compareTo(max) > 0) {
            throw new IllegalArgumentException(subject + " must be at most " + maxWhy + ", got " + duration);
        }
        return duration.toNanos();
    }
}
