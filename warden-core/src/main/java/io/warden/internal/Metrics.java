package io.warden.internal;

import io.warden.LossCause;
import io.warden.WardenMetrics;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link WardenMetrics}; cheap to update from any thread. */
final class Metrics {
    final LongAdder leasesHeld = new LongAdder();
    final LongAdder acquisitions = new LongAdder();
    final LongAdder releases = new LongAdder();
    final LongAdder renewalsSent = new LongAdder();
    final LongAdder renewalCalls = new LongAdder();
    final LongAdder renewalRoundTrips = new LongAdder();
    final LongAdder renewalFailures = new LongAdder();
    final LongAdder leaderElections = new LongAdder();
    final LongAdder leaderRevocations = new LongAdder();
    /** One counter per cause, none ever missing; filled once, then only read. */
    private final Map<LossCause, LongAdder> lost = new EnumMap<>(LossCause.class);

    Metrics() {
        for (LossCause cause : LossCause.values()) {
            lost.put(cause, new LongAdder());
        }
    }

    void lost(LossCause cause) {
        counter(cause).increment();
    }

    private LongAdder counter(LossCause cause) {
        return Objects.requireNonNull(lost.get(cause), "a counter for every cause");
    }

    WardenMetrics snapshot() {
        Map<LossCause, Long> lostCounts = new EnumMap<>(LossCause.class);
        for (LossCause cause : LossCause.values()) {
            lostCounts.put(cause, counter(cause).sum());
        }
        return new WardenMetrics(
                leasesHeld.sum(),
                acquisitions.sum(),
                releases.sum(),
                renewalsSent.sum(),
                renewalCalls.sum(),
                renewalRoundTrips.sum(),
                renewalFailures.sum(),
                lostCounts,
                leaderElections.sum(),
                leaderRevocations.sum());
    }
}
