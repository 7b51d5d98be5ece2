package io.warden.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warden.LeaderElection;
import io.warden.LeaderListener;
import io.warden.LeaderTerm;
import io.warden.Lease;
import io.warden.LeaseLostEvent;
import io.warden.LeaseOptions;
import io.warden.LockKeyConflictException;
import io.warden.LockTimeoutException;
import io.warden.LossCause;
import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The meters, read through a {@link SimpleMeterRegistry} after real acquisitions, timeouts, skips,
 * errors, losses and task runs on a real Redis (a fresh server per test).
 */
@WithRedis
class WardenMeterBinderTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RedisServer server;
    private final List<Warden> wardens = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    WardenMeterBinderTest(RedisServer server) {
        this.server = server;
    }

    @AfterEach
    void close() {
        wardens.forEach(Warden::close);
        registry.close();
    }

    private Warden open(UnaryOperator<Warden.Builder> configure) {
        Warden warden = configure
                .apply(Warden.builder().uri(server.uri()).commandTimeout(Duration.ofSeconds(1)))
                .build();
        wardens.add(warden);
        return warden;
    }

    private Warden open() {
        return open(b -> b);
    }

    private Timer acquireTimer(String outcome) {
        return registry.get(WardenMeterBinder.ACQUIRE).tag("outcome", outcome).timer();
    }

    @Test
    void acquisitionsAreTimedByOutcomeAndReleasedLeasesByHoldTime() throws Exception {
        Warden other = open();
        Warden warden = open();
        new WardenMeterBinder(warden).bindTo(registry);
        Lease busy = other.lock("busy").acquire(Duration.ZERO);

        try (Lease lease = warden.lock("free").acquire(Duration.ofSeconds(1))) {
            Thread.sleep(100);
        }
        assertThat(warden.lock("busy").tryAcquire()).isEmpty();
        assertThatThrownBy(() -> warden.lock("busy").acquire(Duration.ofMillis(300)))
                .isInstanceOf(LockTimeoutException.class);
        server.command("SET", "warden:{foreign}", "not a lock");
        assertThatThrownBy(() -> warden.lock("foreign").acquire(Duration.ZERO))
                .isInstanceOf(LockKeyConflictException.class);
        Thread waiter = new Thread(() -> {
            try {
                warden.lock("busy").acquire(Duration.ofSeconds(30));
            } catch (InterruptedException expected) {
                // the cancelled outcome
            }
        });
        waiter.start();
        Await.until("the waiter is waiting", WAIT, () -> waiter.getState() == Thread.State.WAITING);
        waiter.interrupt();
        waiter.join(5_000);

        Await.until(
                "every outcome recorded",
                WAIT,
                () -> acquireTimer("error").count() == 1
                        && acquireTimer("cancelled").count() == 1);
        assertThat(acquireTimer("acquired").count()).isEqualTo(1);
        assertThat(acquireTimer("skipped").count()).isEqualTo(1);
        assertThat(acquireTimer("timeout").count()).isEqualTo(1);
        assertThat(acquireTimer("timeout").totalTime(TimeUnit.MILLISECONDS))
                .as("the timed-out wait's length")
                .isBetween(300.0, 5_000.0);
        Timer held = registry.get(WardenMeterBinder.HELD).timer();
        assertThat(held.count()).isEqualTo(1);
        assertThat(held.totalTime(TimeUnit.MILLISECONDS)).isBetween(100.0, 5_000.0);
        busy.release();
    }

    /**
     * Issue 18/19: a semaphore's permits, a read-write lock's read and write leases and a fair lock's
     * leases are leases like a lock's, counted by the same meters under their own names.
     */
    @Test
    void permitsReadAndWriteLeasesAndFairLeasesAreMeteredLikeLocks() throws Exception {
        Warden warden = open();
        new WardenMeterBinder(warden).withLockNameTags().bindTo(registry);

        try (Lease permit = warden.semaphore("pool", 2).acquire(Duration.ZERO)) {
            assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                    .isEqualTo(1);
        }
        try (Lease read = warden.readWriteLock("catalog").readLock().acquire(Duration.ZERO)) {
            assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                    .isEqualTo(1);
        }
        try (Lease write = warden.readWriteLock("catalog").writeLock().acquire(Duration.ZERO)) {
            assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                    .isEqualTo(1);
        }
        try (Lease fair = warden.fairLock("queue").acquire(Duration.ZERO)) {
            assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                    .isEqualTo(1);
        }

        Await.until(
                "every release recorded",
                WAIT,
                () -> registry.get(WardenMeterBinder.HELD).timers().stream()
                                .mapToLong(Timer::count)
                                .sum()
                        == 4);
        for (String name : List.of("pool", "catalog", "queue")) {
            assertThat(registry.get(WardenMeterBinder.ACQUIRE)
                            .tag("outcome", "acquired")
                            .tag("lock", name)
                            .timer()
                            .count())
                    .as("acquisitions of %s", name)
                    .isEqualTo(name.equals("catalog") ? 2 : 1);
        }
        assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value()).isZero();
    }

    @Test
    void everyMeterIsRegisteredAtBindTimeWithZeros() {
        new WardenMeterBinder(open()).bindTo(registry);
        for (String outcome : List.of("acquired", "timeout", "skipped", "error", "cancelled")) {
            assertThat(acquireTimer(outcome).count()).isZero();
        }
        for (LossCause cause : LossCause.values()) {
            assertThat(registry.get(WardenMeterBinder.LEASES_LOST)
                            .tag("cause", cause.name().toLowerCase(Locale.ROOT))
                            .counter()
                            .count())
                    .isZero();
        }
        assertThat(registry.get(WardenMeterBinder.HELD).timer().count()).isZero();
        assertThat(registry.get(WardenMeterBinder.RENEWALS).counter().count()).isZero();
        assertThat(registry.get(WardenMeterBinder.RENEWAL_ROUND_TRIPS).counter().count())
                .isZero();
        assertThat(registry.get(WardenMeterBinder.TASK)
                        .tag("outcome", "ran")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get(WardenMeterBinder.TASK)
                        .tag("outcome", "skipped")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value()).isZero();
        assertThat(registry.get(WardenMeterBinder.LEADER_ELECTIONS)
                        .functionCounter()
                        .count())
                .isZero();
        assertThat(registry.get(WardenMeterBinder.LEADER_REVOCATIONS)
                        .functionCounter()
                        .count())
                .isZero();
    }

    @Test
    void leaderTermsWonAndEndedAreCounted() throws Exception {
        Warden warden = open();
        new WardenMeterBinder(warden).bindTo(registry);
        LeaderElection election = warden.leader("metered-election");
        election.start(new LeaderListener() {
            @Override
            public void onElected(LeaderTerm term) {}

            @Override
            public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) {}
        });
        assertThat(election.awaitLeadership(WAIT)).isTrue();
        Await.until(
                "the election counted",
                WAIT,
                () -> registry.get(WardenMeterBinder.LEADER_ELECTIONS)
                                .functionCounter()
                                .count()
                        == 1);

        election.close();

        assertThat(registry.get(WardenMeterBinder.LEADER_REVOCATIONS)
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(WardenMeterBinder.LEADER_ELECTIONS)
                        .functionCounter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aLeaseDeletedBehindTheHoldersBackCountsAsLostByCauseAndLeavesTheGauge() throws Exception {
        Warden warden = open(b -> b.defaultLeaseTime(Duration.ofMillis(600)));
        new WardenMeterBinder(warden).bindTo(registry);
        Lease lease = warden.lock("deleted").acquire(Duration.ZERO);
        assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value()).isEqualTo(1);

        server.command("DEL", "warden:{deleted}");
        LeaseLostEvent lost = lease.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(lost.cause()).isEqualTo(LossCause.KEY_DELETED);
        Counter deleted = registry.get(WardenMeterBinder.LEASES_LOST)
                .tag("cause", "key_deleted")
                .counter();
        Await.until("the loss counted", WAIT, () -> deleted.count() == 1);
        assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value()).isZero();
        assertThat(registry.get(WardenMeterBinder.HELD).timer().count())
                .as("a lost lease is not a release")
                .isZero();
    }

    @Test
    void aLeaseThatExpiredAndWasTakenByAnotherOwnerCountsAsLostByThatCause() throws Exception {
        // No watchdog: the lease runs out on its own, another Warden takes the lock, and the first
        // holder's release finds it taken.
        Warden warden = open();
        Warden other = open();
        new WardenMeterBinder(warden).bindTo(registry);
        Lease expiring = warden.lock("expiring")
                .acquire(Duration.ZERO, LeaseOptions.defaults().withLeaseTime(Duration.ofMillis(200)));
        Lease taker = other.lock("expiring").acquire(Duration.ofSeconds(5));
        LeaseLostEvent lost = expiring.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
        Counter counted = registry.get(WardenMeterBinder.LEASES_LOST)
                .tag("cause", lost.cause().name().toLowerCase(Locale.ROOT))
                .counter();
        Await.until("the loss counted", WAIT, () -> counted.count() == 1);
        double allLosses = registry.get(WardenMeterBinder.LEASES_LOST).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        assertThat(allLosses).as("one loss in all").isEqualTo(1.0);
        taker.release();
    }

    @Test
    void renewalsAndTheirRoundTripsAreCounted() throws Exception {
        Warden warden = open(b -> b.defaultLeaseTime(Duration.ofMillis(600)));
        new WardenMeterBinder(warden).bindTo(registry);
        Lease first = warden.lock("renewed-1").acquire(Duration.ZERO);
        Lease second = warden.lock("renewed-2").acquire(Duration.ZERO);
        Counter renewals = registry.get(WardenMeterBinder.RENEWALS).counter();
        Counter roundTrips = registry.get(WardenMeterBinder.RENEWAL_ROUND_TRIPS).counter();

        Await.until("four renewals", WAIT, () -> renewals.count() >= 4);
        assertThat(roundTrips.count()).isPositive().isLessThanOrEqualTo(renewals.count());
        assertThat(warden.metrics().renewalsSent())
                .as("the same count as Warden's own snapshot")
                .isGreaterThanOrEqualTo((long) renewals.count());
        first.release();
        second.release();
    }

    @Test
    void taskRunsAndSkipsAreCounted() throws Exception {
        Warden other = open();
        Warden warden = open();
        new WardenMeterBinder(warden).bindTo(registry);
        Lease elsewhere = other.lock("nightly").acquire(Duration.ZERO);
        assertThat(warden.task("nightly").runIfFree(() -> {})).isFalse();
        assertThat(warden.task("nightly").runIfFree(() -> {})).isFalse();
        elsewhere.release();
        assertThat(warden.task("nightly").runIfFree(() -> {})).isTrue();

        assertThat(registry.get(WardenMeterBinder.TASK)
                        .tag("outcome", "skipped")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(WardenMeterBinder.TASK)
                        .tag("outcome", "ran")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void lockNamesAreTagsOnlyWhenAskedFor() throws Exception {
        Warden plain = open();
        Warden named = open();
        SimpleMeterRegistry namedRegistry = new SimpleMeterRegistry();
        new WardenMeterBinder(plain).bindTo(registry);
        new WardenMeterBinder(named, List.of(Tag.of("app", "billing")))
                .withLockNameTags()
                .bindTo(namedRegistry);

        plain.lock("orders:1").acquire(Duration.ZERO).release();
        named.lock("orders:1").acquire(Duration.ZERO).release();
        named.lock("orders:2").acquire(Duration.ZERO).release();
        Await.until(
                "releases recorded",
                WAIT,
                () -> namedRegistry.find(WardenMeterBinder.HELD).timers().size() == 2);

        assertThat(registry.getMeters())
                .as("no meter of the plain binder names a lock")
                .allSatisfy(m ->
                        assertThat(m.getId().getTag(WardenMeterBinder.LOCK_TAG)).isNull());
        assertThat(namedRegistry
                        .get(WardenMeterBinder.ACQUIRE)
                        .tags("outcome", "acquired", "lock", "orders:2", "app", "billing")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(namedRegistry.find(WardenMeterBinder.HELD).timers())
                .extracting(t -> t.getId().getTag(WardenMeterBinder.LOCK_TAG))
                .containsExactlyInAnyOrder("orders:1", "orders:2");
        assertThat(namedRegistry.getMeters())
                .extracting(Meter::getId)
                .allSatisfy(id -> assertThat(id.getTag("app")).isEqualTo("billing"));
        namedRegistry.close();
    }

    @Test
    void percentileHistogramsAreOptIn() throws Exception {
        Warden warden = open();
        Map<String, Boolean> plain = histogramsAsked(registry);
        SimpleMeterRegistry withHistograms = new SimpleMeterRegistry();
        Map<String, Boolean> asked = histogramsAsked(withHistograms);
        new WardenMeterBinder(warden).bindTo(registry);
        new WardenMeterBinder(warden).withPercentileHistograms().bindTo(withHistograms);
        warden.lock("measured").acquire(Duration.ZERO).release();
        Await.until(
                "the release recorded",
                WAIT,
                () -> withHistograms.get(WardenMeterBinder.HELD).timer().count() == 1);

        // SimpleMeterRegistry does not publish aggregable histograms, so ask what the binder asked for.
        assertThat(plain).containsEntry(WardenMeterBinder.ACQUIRE, false).containsEntry(WardenMeterBinder.HELD, false);
        assertThat(asked).containsEntry(WardenMeterBinder.ACQUIRE, true).containsEntry(WardenMeterBinder.HELD, true);
        withHistograms.close();
    }

    /** Per meter name, whether its builder asked for a percentile histogram. */
    private static Map<String, Boolean> histogramsAsked(SimpleMeterRegistry registry) {
        Map<String, Boolean> asked = new ConcurrentHashMap<>();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                asked.merge(id.getName(), Boolean.TRUE.equals(config.isPercentileHistogram()), Boolean::logicalOr);
                return config;
            }
        });
        return asked;
    }

    @Test
    void aBinderAttachesToAWardenInUseCountsOncePerRegistryAndStopsRecordingWhenClosed() throws Exception {
        Warden warden = open();
        Lease before = warden.lock("taken-before").acquire(Duration.ZERO);
        WardenMeterBinder binder = new WardenMeterBinder(warden);
        binder.bindTo(registry);
        assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                .as("the gauge counts leases taken before binding")
                .isEqualTo(1);
        assertThat(acquireTimer("acquired").count())
                .as("acquisitions before binding are not counted")
                .isZero();

        binder.bindTo(registry); // again: must not count twice
        warden.lock("while-bound").acquire(Duration.ZERO).release();
        assertThat(acquireTimer("acquired").count()).isEqualTo(1);
        binder.close();
        warden.lock("after-close").acquire(Duration.ZERO).release();
        before.release();

        assertThat(acquireTimer("acquired").count()).isEqualTo(1);
        assertThat(registry.get(WardenMeterBinder.HELD).timer().count()).isEqualTo(1);
        binder.close(); // idempotent
    }
}
