package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.internal.Durations;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every place a lease-like duration enters refuses the same values the same way: under 1 ms (zero,
 * negative, a nanosecond) or over 3650 days, with an IllegalArgumentException naming the lock (where
 * there is one), the parameter, the value and the limit; null is a NullPointerException naming the
 * parameter. Before, a ten-thousand-century lease died of {@link ArithmeticException} deep inside.
 */
class DurationLimitsTest {
    /** 1000 years: Duration.toNanos() overflows past about 292. */
    static final Duration CENTURIES = Duration.ofHours(8_760_000);

    static final Duration ONE_NANO = Duration.ofNanos(1);

    /** Asserts that {@code entry} refuses every bad lease-like value with a message naming {@code what}. */
    static void refusesBadLeaseDurations(Consumer<Duration> entry, String what, String lockName, String limit) {
        assertThatThrownBy(() -> entry.accept(CENTURIES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("at most " + limit)
                .hasMessageContaining("PT8760000H")
                .satisfies(e -> assertNamesLock(e, lockName));
        assertThatThrownBy(() -> entry.accept(ONE_NANO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("must be at least 1 ms")
                .hasMessageContaining("PT0.000000001S")
                .satisfies(e -> assertNamesLock(e, lockName));
        assertThatThrownBy(() -> entry.accept(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("positive")
                .hasMessageContaining("PT-1S")
                .satisfies(e -> assertNamesLock(e, lockName));
        assertThatThrownBy(() -> entry.accept(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining(what);
    }

    static void refusesZero(Consumer<Duration> entry, String what, String lockName) {
        assertThatThrownBy(() -> entry.accept(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("positive")
                .satisfies(e -> assertNamesLock(e, lockName));
    }

    static void acceptsTheBounds(Consumer<Duration> entry, Duration max) {
        assertThatCode(() -> entry.accept(Duration.ofMillis(1))).doesNotThrowAnyException();
        assertThatCode(() -> entry.accept(max)).doesNotThrowAnyException();
        assertThatThrownBy(() -> entry.accept(max.plusNanos(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entry.accept(Duration.ofMillis(1).minusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertNamesLock(Throwable e, String lockName) {
        if (lockName != null) {
            assertThat(e).hasMessageContaining("lock '" + lockName + "'");
        }
    }

    private static final String TEN_YEARS = "3650 days";

    // ---- the shared check ------------------------------------------------------------------------

    @Test
    void durationsChecksLeaseLikeValuesAndNamesTheLock() {
        refusesBadLeaseDurations(
                d -> Durations.leaseNanos(d, "lease time", "orders:42"), "lease time", "orders:42", TEN_YEARS);
        refusesZero(d -> Durations.leaseNanos(d, "lease time", "orders:42"), "lease time", "orders:42");
        acceptsTheBounds(d -> Durations.leaseNanos(d, "lease time", "x"), Durations.MAX_LEASE);
        assertThat(Durations.leaseNanos(Duration.ofSeconds(30), "lease time", "x"))
                .isEqualTo(30_000_000_000L);
        assertThat(Durations.leaseNanos(Durations.MAX_LEASE, "lease time", "x"))
                .isEqualTo(Duration.ofDays(3650).toNanos());
        assertThat(Durations.MAX_LEASE).isEqualTo(Duration.ofDays(3650)).isEqualTo(LeaseOptions.MAX_LEASE_TIME);
        assertThat(Durations.MIN_LEASE).isEqualTo(Duration.ofMillis(1)).isEqualTo(LeaseOptions.MIN_LEASE_TIME);
    }

    @Test
    void withoutALockTheMessageStartsWithTheParameter() {
        assertThatThrownBy(() -> Durations.leaseNanos(CENTURIES, "default lease time", null))
                .hasMessageStartingWith("default lease time must be at most 3650 days");
        assertThatThrownBy(() -> Durations.leaseNanos(null, "max hold", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("max hold must not be null");
    }

    @Test
    void theLongLimitLeavesRoomForNanosecondDeadlines() {
        // A deadline is System.nanoTime() + lease + drift allowance; all of it must fit in a long.
        long max = Durations.leaseNanos(Durations.MAX_LEASE, "lease time", null);
        assertThat(Long.MAX_VALUE - max)
                .isGreaterThan(Duration.ofDays(365L * 280).toNanos());
    }

    // ---- LeaseOptions ------------------------------------------------------------------------------

    @Test
    void leaseTimeOfLeaseOptions() {
        refusesBadLeaseDurations(LeaseOptions::leaseTime, "lease time", null, TEN_YEARS);
        refusesZero(LeaseOptions::leaseTime, "lease time", null);
        acceptsTheBounds(LeaseOptions::leaseTime, LeaseOptions.MAX_LEASE_TIME);
        refusesBadLeaseDurations(d -> LeaseOptions.defaults().withLeaseTime(d), "lease time", null, TEN_YEARS);
    }

    @Test
    void maxHoldOfLeaseOptions() {
        refusesBadLeaseDurations(d -> LeaseOptions.defaults().withMaxHold(d), "max hold", null, TEN_YEARS);
        refusesZero(d -> LeaseOptions.defaults().withMaxHold(d), "max hold", null);
        acceptsTheBounds(d -> LeaseOptions.defaults().withMaxHold(d), LeaseOptions.MAX_LEASE_TIME);
    }

    // ---- Warden.Builder ----------------------------------------------------------------------------

    @Test
    void defaultLeaseTimeOfTheBuilder() {
        refusesBadLeaseDurations(d -> Warden.builder().defaultLeaseTime(d), "default lease time", null, TEN_YEARS);
        refusesZero(d -> Warden.builder().defaultLeaseTime(d), "default lease time", null);
        acceptsTheBounds(d -> Warden.builder().defaultLeaseTime(d), LeaseOptions.MAX_LEASE_TIME);
    }

    @Test
    void commandTimeoutOfTheBuilderIsAtMostOneDay() {
        refusesBadLeaseDurations(d -> Warden.builder().commandTimeout(d), "command timeout", null, "1 day");
        refusesZero(d -> Warden.builder().commandTimeout(d), "command timeout", null);
        acceptsTheBounds(d -> Warden.builder().commandTimeout(d), Duration.ofDays(1));
        assertThatThrownBy(() -> Warden.builder().commandTimeout(Duration.ofDays(30)))
                .as("Netty's connect timeout is an int of milliseconds: 24.8 days")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int of milliseconds");
    }

    @Test
    void replicaAckTimeoutOfTheBuilder() {
        String what = "replica acknowledgement timeout";
        assertThatThrownBy(() -> Warden.builder().replicaAcks(1, CENTURIES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("at most 1 day");
        assertThatThrownBy(() -> Warden.builder().replicaAcks(1, ONE_NANO))
                .as("WAIT counts whole milliseconds: 1 ns would become WAIT 0, which blocks forever")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("must be at least 1 ms");
        assertThatThrownBy(() -> Warden.builder().replicaAcks(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> Warden.builder().replicaAcks(1, null)).isInstanceOf(NullPointerException.class);
        assertThatCode(() -> Warden.builder().replicaAcks(0, Duration.ZERO)).doesNotThrowAnyException();
        assertThatCode(() -> Warden.builder().replicaAcks(1, Duration.ofMillis(1)))
                .doesNotThrowAnyException();
    }

    @Test
    void waitsKeepTheirRuleAVeryLongWaitMeansForever() {
        assertThatCode(() -> Warden.builder().defaultWait(CENTURIES)).doesNotThrowAnyException();
        assertThatCode(() -> Warden.builder().defaultWait(Duration.ZERO)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Warden.builder().defaultWait(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- task locks and leases: these need a Warden, so a Redis --------------------------------------

    @Nested
    @WithRedis
    class OnAWarden {
        private final WardenFixture wardens;

        OnAWarden(RedisServer server) {
            wardens = new WardenFixture(server.uri());
        }

        @AfterEach
        void close() {
            wardens.close();
        }

        @Test
        void lockAtMostForOfATaskLock() {
            TaskLock task = wardens.open().task("nightly-report");
            refusesBadLeaseDurations(task::lockAtMostFor, "lockAtMostFor", "nightly-report", TEN_YEARS);
            refusesZero(task::lockAtMostFor, "lockAtMostFor", "nightly-report");
            acceptsTheBounds(task::lockAtMostFor, LeaseOptions.MAX_LEASE_TIME);
        }

        @Test
        void lockAtLeastForOfATaskLockAcceptsZero() {
            TaskLock task = wardens.open().task("nightly-report");
            refusesBadLeaseDurations(task::lockAtLeastFor, "lockAtLeastFor", "nightly-report", TEN_YEARS);
            assertThatCode(() -> task.lockAtLeastFor(Duration.ZERO))
                    .as("zero means release at once, the default")
                    .doesNotThrowAnyException();
            TaskLock unbounded = task.lockAtMostFor(LeaseOptions.MAX_LEASE_TIME);
            acceptsTheBounds(unbounded::lockAtLeastFor, LeaseOptions.MAX_LEASE_TIME);
        }

        @Test
        void extendOfALease() throws Exception {
            Warden warden = wardens.open();
            try (Lease lease = warden.lock("orders:42").acquire(Duration.ZERO)) {
                refusesBadLeaseDurations(lease::extend, "lease time", "orders:42", TEN_YEARS);
                refusesZero(lease::extend, "lease time", "orders:42");
                assertThat(lease.isHeld()).isTrue();
            }
        }
    }
}
