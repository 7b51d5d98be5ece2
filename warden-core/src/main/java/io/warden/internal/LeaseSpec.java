package io.warden.internal;

import io.warden.LeaseOptions;
import java.time.Duration;

/**
 * The lease terms of one acquisition, resolved against the Warden's defaults.
 *
 * @param leaseNanos TTL set on acquire and on each renewal
 * @param watched whether the watchdog renews it
 * @param maxHoldNanos hard cap on the hold from acquisition, or {@code Long.MAX_VALUE}
 */
record LeaseSpec(long leaseNanos, boolean watched, long maxHoldNanos) {

    static LeaseSpec of(LeaseOptions options, Settings settings) {
        Duration lease = options.explicitLeaseTime().orElse(settings.defaultLeaseTime());
        long maxHold = options.maxHold().map(Duration::toNanos).orElse(Long.MAX_VALUE);
        return new LeaseSpec(lease.toNanos(), options.watchdogEnabled(), maxHold);
    }

    /** The TTL to request when acquiring: the lease, capped by the maximum hold. */
    long initialTtlNanos() {
        return Math.min(leaseNanos, maxHoldNanos);
    }

    /** Allowance for clock drift between client and server over {@code ttlNanos}: 1% + 2 ms. */
    static long driftNanos(long ttlNanos) {
        return ttlNanos / 100 + 2_000_000L;
    }

    /**
     * How long before the estimated expiry a watched lease without a confirmed renewal is declared
     * lost: a tenth of the TTL, at least the drift allowance. This is what makes the signal early.
     */
    static long lossLeadNanos(long ttlNanos) {
        return Math.max(ttlNanos / 10, driftNanos(ttlNanos));
    }

    static long toMillisCeil(long nanos) {
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }
}
