package io.warden.internal;

import io.warden.LeaseOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The lease terms of one acquisition, resolved against the Warden's defaults.
 *
 * @param leaseNanos TTL set on acquire and on each renewal
 * @param watched whether the watchdog renews it
 * @param maxHoldNanos hard cap on the hold from acquisition, or {@code Long.MAX_VALUE}
 * @param renewalsPerLease the Warden's renewals per lease time (a renewal goes every TTL / this);
 *     kept here rather than in each lease's machine, which every held lease carries
 */
record LeaseSpec(long leaseNanos, boolean watched, long maxHoldNanos, int renewalsPerLease) {

    /**
     * The last spec made: every lease keeps its spec, and most acquisitions of a program ask for the
     * same terms, so they share one instance (a value: sharing it across Wardens is harmless).
     */
    private static volatile @Nullable LeaseSpec last;

    static LeaseSpec of(LeaseOptions options, Settings settings) {
        long lease =
                options.explicitLeaseTime().orElse(settings.defaultLeaseTime()).toNanos();
        long maxHold = options.maxHold().map(Duration::toNanos).orElse(Long.MAX_VALUE);
        boolean watched = options.watchdogEnabled();
        int renewals = settings.renewalsPerLease();
        LeaseSpec cached = last;
        if (cached != null
                && cached.leaseNanos == lease
                && cached.watched == watched
                && cached.maxHoldNanos == maxHold
                && cached.renewalsPerLease == renewals) {
            return cached;
        }
        LeaseSpec made = new LeaseSpec(lease, watched, maxHold, renewals);
        last = made;
        return made;
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
