package io.warden;

import java.util.Map;

/**
 * A snapshot of one {@link Warden}'s counters, for dashboards and tests. Counters only grow, except
 * {@code leasesHeld}.
 *
 * @param leasesHeld leases currently held through this Warden
 * @param acquisitions successful acquisitions (re-entrant holds excluded)
 * @param releases leases released by their holder
 * @param renewalsSent lease renewals sent by the watchdog (one per lease per renewal)
 * @param renewalCalls renewal script calls (each renews a batch of leases)
 * @param renewalRoundTrips watchdog ticks that sent renewals (their calls are pipelined)
 * @param renewalFailures renewal calls that failed (timeouts, connection errors)
 * @param leasesLost leases lost, by cause
 * @param leaderElections leader terms this Warden's {@link LeaderElection} candidates won and
 *     announced ({@link LeaderListener#onElected})
 * @param leaderRevocations leader terms of this Warden's candidates that ended after their
 *     announcement ({@link LeaderListener#onRevoked}: lost, resigned or closed); while a candidate
 *     leads, elections exceed revocations by one
 */
public record WardenMetrics(
        long leasesHeld,
        long acquisitions,
        long releases,
        long renewalsSent,
        long renewalCalls,
        long renewalRoundTrips,
        long renewalFailures,
        Map<LossCause, Long> leasesLost,
        long leaderElections,
        long leaderRevocations) {
    public WardenMetrics {
        leasesLost = Map.copyOf(leasesLost);
    }

    /** All leases lost, whatever the cause. */
    public long totalLeasesLost() {
        return leasesLost.values().stream().mapToLong(Long::longValue).sum();
    }
}
