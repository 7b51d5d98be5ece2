package io.warden;

import io.warden.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-acquisition choices: lease time, watchdog, owner, re-entrancy, maximum hold. Immutable; each
 * {@code with...} method returns a copy.
 *
 * <p>Without options a lease uses the {@link Warden}'s default lease time and is kept alive by the
 * watchdog while held. With an explicit {@link #leaseTime(Duration) lease time} it is <em>not</em>
 * renewed unless {@link #withWatchdog(boolean) asked}: it expires after that time unless released or
 * {@link Lease#extend extended}.
 *
 * <p>The owner decides re-entrancy: an owner acquiring a lock it already holds in this {@link
 * Warden} gets another handle on the same lease, without a round trip. By default the owner is the
 * calling thread for blocking calls and a fresh object (no re-entrancy) for asynchronous ones. Pass
 * an explicit owner when thread identity means nothing (virtual threads, executors, async code).
 * Owners are compared by identity.
 *
 * <p><b>Limits.</b> Every lease-like duration (lease time, maximum hold, a task lock's {@code
 * lockAtMostFor} and {@code lockAtLeastFor}, {@link Lease#extend}, {@link Warden.Builder#defaultLeaseTime})
 * must lie between {@link #MIN_LEASE_TIME} (1 ms, the resolution of Redis expiries) and {@link
 * #MAX_LEASE_TIME} (3650 days, ten years: a safe margin below where Warden's nanosecond deadline
 * arithmetic, {@code long} nanoseconds added to {@code System.nanoTime()}, and Redis's PEXPIRE math
 * overflow; {@link Duration#toNanos()} alone fails past about 292 years). Waits are not limited: a
 * very long wait means "forever".
 */
public final class LeaseOptions {
    /** The shortest accepted lease-like duration: 1 ms. */
    public static final Duration MIN_LEASE_TIME = Durations.MIN_LEASE;

    /** The longest accepted lease-like duration: 3650 days (ten years). */
    public static final Duration MAX_LEASE_TIME = Durations.MAX_LEASE;

    private static final LeaseOptions DEFAULTS = new LeaseOptions(null, null, null, true, null);

    private final @Nullable Duration leaseTime;
    private final @Nullable Boolean watchdog;
    private final @Nullable Object owner;
    private final boolean reentrant;
    private final @Nullable Duration maxHold;

    private LeaseOptions(
            @Nullable Duration leaseTime,
            @Nullable Boolean watchdog,
            @Nullable Object owner,
            boolean reentrant,
            @Nullable Duration maxHold) {
        this.leaseTime = leaseTime;
        this.watchdog = watchdog;
        this.owner = owner;
        this.reentrant = reentrant;
        this.maxHold = maxHold;
    }

    /** Defaults: the Warden's default lease, watchdog on, owner = calling thread, re-entrant. */
    public static LeaseOptions defaults() {
        return DEFAULTS;
    }

    /**
     * An explicit lease time, without watchdog unless {@link #withWatchdog(boolean)} turns it on.
     *
     * @throws NullPointerException if {@code leaseTime} is null
     * @throws IllegalArgumentException if under 1 ms (including zero and negative) or over 3650 days
     */
    public static LeaseOptions leaseTime(Duration leaseTime) {
        return DEFAULTS.withLeaseTime(leaseTime);
    }

    /** Defaults with an explicit owner object. */
    public static LeaseOptions owner(Object owner) {
        return DEFAULTS.withOwner(owner);
    }

    /**
     * The lease's time to live, set on acquisition and on each renewal: at least {@link
     * #MIN_LEASE_TIME 1 ms}, at most {@link #MAX_LEASE_TIME 3650 days}.
     *
     * @throws NullPointerException if {@code leaseTime} is null
     * @throws IllegalArgumentException if under 1 ms (including zero and negative) or over 3650 days
     */
    public LeaseOptions withLeaseTime(Duration leaseTime) {
        Durations.leaseNanos(leaseTime, "lease time", null);
        return new LeaseOptions(leaseTime, watchdog, owner, reentrant, maxHold);
    }

    /** Turns the watchdog on or off for this acquisition. */
    public LeaseOptions withWatchdog(boolean enabled) {
        return new LeaseOptions(leaseTime, enabled, owner, reentrant, maxHold);
    }

    /** Makes {@code owner} the owner (compared by identity) instead of the calling thread. */
    public LeaseOptions withOwner(Object owner) {
        return new LeaseOptions(leaseTime, watchdog, Objects.requireNonNull(owner, "owner"), reentrant, maxHold);
    }

    /**
     * With {@code false}, every acquisition is a new lease, even by an owner that already holds the
     * lock (which then waits for itself, like a non-reentrant mutex).
     */
    public LeaseOptions withReentrant(boolean reentrant) {
        return new LeaseOptions(leaseTime, watchdog, owner, reentrant, maxHold);
    }

    /**
     * Upper bound on how long the lease can be held from acquisition, whatever the watchdog does:
     * renewals never extend it past this, and when it is reached the lease is lost with {@link
     * LossCause#MAX_HOLD_REACHED}. Task locks use it for {@code lockAtMostFor}. At least {@link
     * #MIN_LEASE_TIME 1 ms}, at most {@link #MAX_LEASE_TIME 3650 days}.
     *
     * @throws NullPointerException if {@code maxHold} is null
     * @throws IllegalArgumentException if under 1 ms (including zero and negative) or over 3650 days
     */
    public LeaseOptions withMaxHold(Duration maxHold) {
        Durations.leaseNanos(maxHold, "max hold", null);
        return new LeaseOptions(leaseTime, watchdog, owner, reentrant, maxHold);
    }

    /** The explicit lease time, if any. */
    public Optional<Duration> explicitLeaseTime() {
        return Optional.ofNullable(leaseTime);
    }

    /** Whether the watchdog renews the lease: as set, else true exactly when no lease time was given. */
    public boolean watchdogEnabled() {
        return watchdog != null ? watchdog : leaseTime == null;
    }

    /** The explicit owner, if any. */
    public Optional<Object> explicitOwner() {
        return Optional.ofNullable(owner);
    }

    public boolean reentrant() {
        return reentrant;
    }

    /** The maximum hold time, if any. */
    public Optional<Duration> maxHold() {
        return Optional.ofNullable(maxHold);
    }

    @Override
    public String toString() {
        return "LeaseOptions[leaseTime=" + (leaseTime == null ? "default" : leaseTime) + ", watchdog="
                + watchdogEnabled() + ", owner=" + (owner == null ? "default" : owner) + ", reentrant="
                + reentrant + ", maxHold=" + (maxHold == null ? "none" : maxHold) + "]";
    }
}
