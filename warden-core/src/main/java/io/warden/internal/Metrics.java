package io.warden.internal;

import io.warden.LossCause;
import io.warden.WardenMetrics;
import java.util.EnumMap;
import java.util.Map;
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
    /** Indexed by {@link LossCause#ordinal()}: one counter per cause, none ever missing. */
    private final LongAdder[] lost = new LongAdder[LossCause.values().length];

    Metrics() {
        for (LossCause cause : LossCause.values()) {
            lost[cause.ordinal()] = new LongAdder();
        }
    }

    void lost(LossCause cause) {
        lost[cause.ordinal()].increment();
    }

    WardenMetrics snapshot() {
        Map<LossCause, Long> lostCounts = new EnumMap<>(LossCause.class);
        for (LossCause cause : LossCause.values()) {
            lostCounts.put(cause, lost[cause.ordinal()].sum());
        }
        return new WardenMetrics(
                leasesHeld.sum(),
                acquisitions.sum(),
                releases.sum(),
                renewalsSent.sum(),
                renewalCalls.sum(),
                renewalRoundTrips.sum(),
                renewalFailures.sum(),
                lostCounts);
    }
}
