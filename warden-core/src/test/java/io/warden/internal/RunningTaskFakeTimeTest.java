package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.Lease;
import io.warden.LeaseNotHeldException;
import io.warden.LeaseOptions;
import io.warden.LossCause;
import io.warden.RunningTask;
import io.warden.TaskLock;
import io.warden.internal.FakeTimeWardens.Node;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The time rules of a task run held by hand ({@code TaskLock.tryStart()}): lockAtLeastFor on
 * finish, extend moving both bounds (with and without the watchdog), and a release that keeps the
 * key never outliving the maximum hold. On a fake clock, to the millisecond.
 */
class RunningTaskFakeTimeTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final FakeTimeWardens w = new FakeTimeWardens();

    @Test
    void finishKeepsTheLockUntilLockAtLeastForCountedFromTheStart() {
        Node a = w.node();
        Node b = w.node();
        long start = w.ticker.nanos();
        RunningTask run = a.task("kept")
                .lockAtMostFor(Duration.ofSeconds(10))
                .lockAtLeastFor(Duration.ofSeconds(1))
                .tryStart()
                .orElseThrow();
        w.scheduler.runFor(300 * MS);
        run.finish();
        assertThat(run.lease().isHeld()).isFalse();
        assertThat(w.redis.pttl("warden:{kept}")).isEqualTo(700);
        w.scheduler.advanceTo(start + S - MS);
        assertThat(b.task("kept").tryStart())
                .as("still kept 1 ms before lockAtLeastFor")
                .isEmpty();
        w.scheduler.advanceTo(start + S);
        assertThat(b.task("kept").tryStart())
                .as("free once lockAtLeastFor passed")
                .isPresent();
    }

    @Test
    void extendWithoutWatchdogMovesBothBoundsToCountFromTheExtension() {
        Node a = w.node();
        Node b = w.node();
        TaskLock task = a.task("moved").lockAtMostFor(Duration.ofSeconds(1)).watchdog(false);
        RunningTask run = task.tryStart().orElseThrow();
        w.scheduler.runFor(800 * MS);
        long extendedAt = w.ticker.nanos();
        run.extend(Duration.ofSeconds(2), Duration.ofMillis(1500));
        assertThat(w.redis.pttl("warden:{moved}"))
                .as("the TTL is the new lockAtMostFor")
                .isEqualTo(2000);

        w.scheduler.advanceTo(extendedAt + S);
        assertThat(run.lease().isHeld()).as("held past the old lockAtMostFor").isTrue();
        assertThat(b.task("moved").tryStart()).isEmpty();
        run.finish();
        assertThat(w.redis.pttl("warden:{moved}"))
                .as("kept for the rest of the new lockAtLeastFor")
                .isEqualTo(500);
        w.scheduler.advanceTo(extendedAt + 1500 * MS);
        assertThat(b.task("moved").tryStart()).isPresent();
    }

    @Test
    void anUnfinishedRunWithoutWatchdogFreesTheLockAtLockAtMostFor() {
        Node a = w.node();
        Node b = w.node();
        long start = w.ticker.nanos();
        RunningTask run = a.task("abandoned")
                .lockAtMostFor(Duration.ofSeconds(2))
                .watchdog(false)
                .tryStart()
                .orElseThrow();
        w.scheduler.advanceTo(start + 2 * S - MS);
        assertThat(w.redis.exists("warden:{abandoned}")).isTrue();
        w.scheduler.advanceTo(start + 2 * S);
        assertThat(w.redis.exists("warden:{abandoned}"))
                .as("the key's TTL is lockAtMostFor")
                .isFalse();
        assertThat(run.lease().isHeld()).isFalse();
        assertThat(b.task("abandoned").tryStart()).isPresent();
        assertThatThrownBy(run::finish).isInstanceOf(LeaseNotHeldException.class);
    }

    @Test
    void extendWithWatchdogLetsRenewalsRunPastTheOldMaximumUpToTheNewOne() {
        Node a = w.node(s -> FakeTimeWardens.withLease(s, Duration.ofMillis(600)));
        long start = w.ticker.nanos();
        RunningTask run = a.task("watched")
                .lockAtMostFor(Duration.ofSeconds(1))
                .tryStart()
                .orElseThrow();
        w.scheduler.runFor(500 * MS);
        run.extend(Duration.ofSeconds(3), Duration.ZERO);
        w.scheduler.advanceTo(start + 3 * S);
        assertThat(run.lease().isHeld())
                .as("renewed past the old maximum of 1 s")
                .isTrue();
        assertThat(run.lease().lostCause()).isEmpty();
        w.scheduler.advanceTo(start + 4 * S);
        assertThat(run.lease().lostCause()).as("but not past the new one").contains(LossCause.MAX_HOLD_REACHED);
        assertThat(w.redis.exists("warden:{watched}")).isFalse();
    }

    @Test
    void aShorterExtendLowersTheMaximumAtOnce() {
        Node a = w.node(s -> FakeTimeWardens.withLease(s, Duration.ofMillis(600)));
        long start = w.ticker.nanos();
        RunningTask run = a.task("shortened")
                .lockAtMostFor(Duration.ofSeconds(10))
                .tryStart()
                .orElseThrow();
        w.scheduler.runFor(100 * MS);
        run.extend(Duration.ofMillis(400), Duration.ZERO);
        assertThat(w.redis.pttl("warden:{shortened}")).isEqualTo(400);
        w.scheduler.advanceTo(start + S);
        assertThat(run.lease().lostCause()).contains(LossCause.MAX_HOLD_REACHED);
        assertThat(w.redis.exists("warden:{shortened}")).isFalse();
    }

    @Test
    void aReleaseThatKeepsTheKeyNeverKeepsItPastTheMaximumHold() {
        Node a = w.node();
        Lease lease = a.lock("capped")
                .tryAcquire(LeaseOptions.leaseTime(Duration.ofSeconds(1)).withMaxHold(Duration.ofSeconds(1)))
                .orElseThrow();
        w.scheduler.runFor(700 * MS);
        lease.release(Duration.ofSeconds(5));
        assertThat(w.redis.pttl("warden:{capped}")).isEqualTo(300);
    }

    @Test
    void finishingTwiceOrExtendingAFinishedRunIsReportedAndTouchesNothing() {
        Node a = w.node();
        Node b = w.node();
        RunningTask run = a.task("once").tryStart().orElseThrow();
        run.finish();
        RunningTask next = b.task("once").tryStart().orElseThrow();
        assertThatThrownBy(run::finish)
                .isInstanceOfSatisfying(
                        LeaseNotHeldException.class,
                        e -> assertThat(e.reason()).isEqualTo(LeaseNotHeldException.Reason.ALREADY_RELEASED));
        assertThatThrownBy(() -> run.extend(Duration.ofSeconds(5), Duration.ZERO))
                .isInstanceOf(LeaseNotHeldException.class);
        assertThat(next.lease().isHeld()).isTrue();
        assertThat(w.redis.exists("warden:{once}")).isTrue();
    }
}
