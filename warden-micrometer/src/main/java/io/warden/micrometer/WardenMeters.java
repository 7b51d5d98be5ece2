package io.warden.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.warden.AcquireOutcome;
import io.warden.LeaseLostEvent;
import io.warden.LossCause;
import io.warden.WardenListener;
import java.time.Duration;
import java.util.Locale;

/**
 * One registry's meters, recording a Warden's events as a {@link WardenListener}. Meters are looked
 * up through Micrometer's {@link MeterProvider}s (a map lookup, no I/O, never blocking), so events
 * recorded on Warden's I/O threads stay cheap.
 */
final class WardenMeters implements WardenListener {
    private final boolean lockNameTags;
    private final MeterProvider<Timer> acquire;
    private final MeterProvider<Timer> held;
    private final MeterProvider<Counter> renewals;
    private final Counter roundTrips;
    private final MeterProvider<Counter> lost;
    private final MeterProvider<Counter> tasks;

    WardenMeters(MeterRegistry registry, Tags tags, boolean lockNameTags, boolean percentileHistograms) {
        this.lockNameTags = lockNameTags;
        this.acquire = Timer.builder(WardenMeterBinder.ACQUIRE)
                .tags(tags)
                .description("How long acquisitions waited, by outcome")
                .publishPercentileHistogram(percentileHistograms)
                .withRegistry(registry);
        this.held = Timer.builder(WardenMeterBinder.HELD)
                .tags(tags)
                .description("How long released leases were held")
                .publishPercentileHistogram(percentileHistograms)
                .withRegistry(registry);
        this.renewals = Counter.builder(WardenMeterBinder.RENEWALS)
                .tags(tags)
                .description("Lease renewals sent by the watchdog")
                .withRegistry(registry);
        this.roundTrips = Counter.builder(WardenMeterBinder.RENEWAL_ROUND_TRIPS)
                .tags(tags)
                .description("Watchdog ticks that sent renewals (pipelined: about one round trip per node)")
                .register(registry);
        this.lost = Counter.builder(WardenMeterBinder.LEASES_LOST)
                .tags(tags)
                .description("Leases lost, by cause")
                .withRegistry(registry);
        this.tasks = Counter.builder(WardenMeterBinder.TASK)
                .tags(tags)
                .description("Task lock runs on this node and skips")
                .withRegistry(registry);
        if (!lockNameTags) {
            // Registered now, so that dashboards and alerts see zeros before the first event.
            for (AcquireOutcome outcome : AcquireOutcome.values()) {
                acquire.withTags("outcome", tagValue(outcome));
            }
            held.withTags();
            renewals.withTags();
            for (LossCause cause : LossCause.values()) {
                lost.withTags("cause", tagValue(cause));
            }
            tasks.withTags("outcome", "ran");
            tasks.withTags("outcome", "skipped");
        }
    }

    @Override
    public void onAcquire(String lock, AcquireOutcome outcome, Duration waited) {
        acquire.withTags(tags(lock, "outcome", tagValue(outcome))).record(waited);
    }

    @Override
    public void onRelease(String lock, Duration heldFor) {
        held.withTags(lockNameTags ? Tags.of(WardenMeterBinder.LOCK_TAG, lock) : Tags.empty())
                .record(heldFor);
    }

    @Override
    public void onLeaseLost(LeaseLostEvent event) {
        lost.withTags(tags(event.lockName(), "cause", tagValue(event.cause()))).increment();
    }

    @Override
    public void onRenewalSent(String lock) {
        renewals.withTags(lockNameTags ? Tags.of(WardenMeterBinder.LOCK_TAG, lock) : Tags.empty())
                .increment();
    }

    @Override
    public void onRenewalRoundTrip(int renewalCount) {
        roundTrips.increment();
    }

    @Override
    public void onTaskRun(String task) {
        tasks.withTags(tags(task, "outcome", "ran")).increment();
    }

    @Override
    public void onTaskSkipped(String task) {
        tasks.withTags(tags(task, "outcome", "skipped")).increment();
    }

    private Tags tags(String lock, String key, String value) {
        return lockNameTags ? Tags.of(key, value, WardenMeterBinder.LOCK_TAG, lock) : Tags.of(key, value);
    }

    /** The outcome tag's values: the names the issue and Micrometer users expect. */
    static String tagValue(AcquireOutcome outcome) {
        return switch (outcome) {
            case ACQUIRED -> "acquired";
            case TIMED_OUT -> "timeout";
            case SKIPPED -> "skipped";
            case FAILED -> "error";
            case CANCELLED -> "cancelled";
        };
    }

    static String tagValue(LossCause cause) {
        return cause.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "WardenMeters[lockNameTags=" + lockNameTags + "]";
    }
}
