package io.warden;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
 */
public final class LeaseOptions {
    private static final LeaseOptions DEFAULTS = new LeaseOptions(null, null, null, true, null);

    private final Duration leaseTime;
    private final Boolean watchdog;
    private final Object owner;
    private final boolean reentrant;
    private final Duration maxHold;

    private LeaseOptions(Duration leaseTime, Boolean watchdog, Object owner, boolean reentrant, Duration maxHold) {
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

    /** An explicit lease time, without watchdog unless {@link #withWatchdog(boolean)} turns it on. */
    public static LeaseOptions leaseTime(Duration leaseTime) {
        return DEFAULTS.withLeaseTime(leaseTime);
    }

    /** Defaults with an explicit owner object. */
    public static LeaseOptions owner(Object owner) {
        return DEFAULTS.withOwner(owner);
    }

    /** @throws IllegalArgumentException if not positive */
    public LeaseOptions withLeaseTime(Duration leaseTime) {
        return new LeaseOptions(requirePositive(leaseTime, "lease time"), watchdog, owner, reentrant, maxHold);
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
     * LossCause#MAX_HOLD_REACHED}. Task locks use it for {@code lockAtMostFor}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public LeaseOptions withMaxHold(Duration maxHold) {
        return new LeaseOptions(leaseTime, watchdog, owner, reentrant, requirePositive(maxHold, "max hold"));
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

    static Duration requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "LeaseOptions[leaseTime=" + (leaseTime == null ? "default" : leaseTime) + ", watchdog="
                + watchdogEnabled() + ", owner=" + (owner == null ? "default" : owner) + ", reentrant="
                + reentrant + ", maxHold=" + (maxHold == null ? "none" : maxHold) + "]";
    }
}
