package io.warden.spring.boot;

import io.warden.LockAdmin;
import io.warden.Warden;
import io.warden.WardenMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator health of a {@link Warden} (component {@code warden}). Each check costs one round trip:
 * it inspects a lock that is never taken ({@link LockAdmin#inspect}), which runs one of Warden's Lua
 * scripts ({@code EVALSHA}, loading the script with {@code EVAL} if Redis forgot it). So UP means
 * Redis answered within the command timeout and Warden's scripts run there.
 *
 * <p>The watchdog is judged from the Warden's counters since the previous check: if it sent renewal
 * calls and every one failed, the status is DOWN even when the probe passed (leases held here are
 * about to be reported lost). Details: the probe's round-trip time, leases held, and renewal calls,
 * failures and leases lost since the previous check.
 *
 * <p>Not checked: replicas, Sentinel and Cluster health beyond the node the probe reached, and the
 * clocks of the Redis servers (see docs/guarantees.md).
 */
public class WardenHealthIndicator extends AbstractHealthIndicator {
    /** A name no application uses: the probe only reads it. */
    static final String PROBE = "warden-health-probe";

    private final Warden warden;
    private final AtomicReference<WardenMetrics> previous;

    public WardenHealthIndicator(Warden warden) {
        super("Warden health check failed");
        this.warden = warden;
        this.previous = new AtomicReference<>(warden.metrics());
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long start = System.nanoTime();
        warden.admin().inspect(PROBE);
        Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);
        WardenMetrics now = warden.metrics();
        WardenMetrics before = previous.getAndSet(now);
        long calls = now.renewalCalls() - before.renewalCalls();
        long failures = now.renewalFailures() - before.renewalFailures();
        boolean watchdogFailing = calls > 0 && failures >= calls;
        builder.withDetail("redis", warden.redisAddress())
                .withDetail("roundTripMillis", roundTrip.toMillis())
                .withDetail("leasesHeld", now.leasesHeld())
                .withDetail("renewalCalls", calls)
                .withDetail("renewalFailures", failures)
                .withDetail("leasesLost", now.totalLeasesLost() - before.totalLeasesLost())
                .withDetail("watchdog", watchdogFailing ? "every renewal since the last check failed" : "ok");
        if (watchdogFailing) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
