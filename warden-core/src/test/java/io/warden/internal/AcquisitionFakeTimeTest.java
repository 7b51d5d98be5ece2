package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Backoff;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.RedisUnavailableException;
import io.warden.internal.FakeTimeWardens.Node;
import io.warden.internal.sim.FaultPlan;
import io.warden.internal.sim.Trace;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * How waiters wake on a fake clock: at a release message, at the holder's TTL, at the safety-net
 * backoff when messages are lost, and at their deadline, whether queued locally or contending.
 */
class AcquisitionFakeTimeTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    /** A backoff so long that it never wakes a waiter within these tests. */
    private static final Backoff NEVER = Backoff.exponential(Duration.ofMinutes(10), Duration.ofMinutes(10));

    private final FakeTimeWardens w = new FakeTimeWardens();

    private Lease acquireNow(Node node, String name, LeaseOptions options) {
        CompletableFuture<Lease> future = node.lock(name).acquireAsync(Duration.ZERO, options);
        w.scheduler.runReady();
        return future.join();
    }

    private static Throwable failure(CompletableFuture<?> future) {
        return future.handle((value, error) -> error).join();
    }

    /** Runs the clock until {@code future} is done (at most {@code limit}); returns when it was. */
    private long runUntilDone(CompletableFuture<?> future, long limit) {
        long until = w.ticker.nanos() + limit;
        while (!future.isDone() && w.ticker.nanos() < until) {
            long next = Math.min(w.scheduler.nextDue(), until);
            w.scheduler.advanceTo(Math.max(next, w.ticker.nanos()));
        }
        assertThat(future).isDone();
        return w.ticker.nanos();
    }

    @Test
    void aWaiterIsWokenAtTheHoldersTtlWhenNoReleaseMessageComes() {
        Node holder = w.node();
        Node waiter = w.node(s -> FakeTimeWardens.withBackoff(s, NEVER));
        acquireNow(holder, "expiring", LeaseOptions.leaseTime(Duration.ofSeconds(5))); // never released
        long start = w.ticker.nanos();
        CompletableFuture<Lease> waiting = waiter.lock("expiring").acquireAsync(Duration.ofSeconds(30));
        long doneAt = runUntilDone(waiting, 30 * S);
        assertThat(waiting).isCompletedWithValueMatching(Lease::isHeld);
        assertThat(doneAt - start).as("woken at the holder's TTL + 1 ms").isEqualTo(5001 * MS);
    }

    @Test
    void aReleaseMessageWakesAWaiterTheMomentTheHolderReleases() {
        Node holder = w.node();
        Node waiter = w.node(s -> FakeTimeWardens.withBackoff(s, NEVER));
        Lease held = acquireNow(holder, "announced", LeaseOptions.defaults());
        CompletableFuture<Lease> waiting = waiter.lock("announced").acquireAsync(Duration.ofSeconds(60));
        w.scheduler.runFor(10 * S);
        assertThat(waiting).isNotDone();
        long releasedAt = w.ticker.nanos();
        held.releaseAsync();
        assertThat(runUntilDone(waiting, 60 * S)).isEqualTo(releasedAt);
        assertThat(waiting).isCompletedWithValueMatching(Lease::isHeld);
    }

    @Test
    void aWaiterWhoseReleaseMessageIsLostIsWokenByItsBackoff() {
        Node holder = w.node();
        FaultPlan deaf = FaultPlan.none().withMessages(1.0, Duration.ZERO);
        FaultyStore store = new FaultyStore(w.redis.connect(), w.scheduler, deaf, 5, new Trace(w.ticker::nanos), "b");
        Node waiter = w.node(
                store,
                s -> FakeTimeWardens.withBackoff(s, Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1))));
        Lease held = acquireNow(holder, "deaf", LeaseOptions.defaults()); // 30 s TTL, renewed
        CompletableFuture<Lease> waiting = waiter.lock("deaf").acquireAsync(Duration.ofMinutes(5));
        w.scheduler.runFor(10 * S);
        assertThat(waiting).isNotDone();
        long releasedAt = w.ticker.nanos();
        held.releaseAsync();
        long doneAt = runUntilDone(waiting, 60 * S);
        assertThat(waiting).isCompletedWithValueMatching(Lease::isHeld);
        assertThat(doneAt - releasedAt)
                .as("no later than the backoff's ceiling after the release")
                .isPositive()
                .isLessThanOrEqualTo(S);
    }

    @Test
    void aWaiterRidesOutAStoppedServerAndAcquiresWhenItServesAgain() {
        FaultyStore store =
                new FaultyStore(w.redis.connect(), w.scheduler, FaultPlan.none(), 5, new Trace(w.ticker::nanos), "a");
        Node waiter = w.node(store, UnaryOperator.identity());
        store.pause();
        CompletableFuture<Lease> waiting = waiter.lock("outage").acquireAsync(Duration.ofSeconds(60));
        w.scheduler.runFor(20 * S); // several command timeouts
        assertThat(waiting).as("still waiting through the outage").isNotDone();
        store.resume();
        runUntilDone(waiting, 30 * S);
        assertThat(waiting).isCompletedWithValueMatching(Lease::isHeld);
        waiting.join().releaseAsync();
        w.scheduler.runFor(5 * S);
        assertThat(w.redis.exists("warden:{outage}"))
                .as("the timed-out attempts were given back: nothing is left once the lease is released")
                .isFalse();
    }

    @Test
    void aWaiterWhoseServerStaysStoppedFailsWhenItsWaitEndsNamingTheOutage() {
        FaultyStore store =
                new FaultyStore(w.redis.connect(), w.scheduler, FaultPlan.none(), 5, new Trace(w.ticker::nanos), "a");
        Node waiter = w.node(store, UnaryOperator.identity());
        store.pause();
        long start = w.ticker.nanos();
        CompletableFuture<Lease> waiting = waiter.lock("outage").acquireAsync(Duration.ofSeconds(5));
        long doneAt = runUntilDone(waiting, 30 * S);
        assertThat(doneAt - start)
                .as("at the deadline, or when the attempt in flight then times out")
                .isBetween(5 * S, 5 * S + FaultPlan.none().commandTimeout().toNanos());
        assertThat(failure(waiting))
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("still unavailable when the wait of PT5S ended");
    }

    @Test
    void tryAcquireDuringAnOutageFailsAfterOneAttempt() {
        FaultyStore store =
                new FaultyStore(w.redis.connect(), w.scheduler, FaultPlan.none(), 5, new Trace(w.ticker::nanos), "a");
        Node node = w.node(store, UnaryOperator.identity());
        store.pause();
        long start = w.ticker.nanos();
        CompletableFuture<Lease> once = node.lock("outage").acquireAsync(Duration.ZERO);
        long doneAt = runUntilDone(once, 30 * S);
        assertThat(doneAt - start).isEqualTo(FaultPlan.none().commandTimeout().toNanos());
        assertThat(failure(once)).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("timed out");
    }

    @Test
    void aQueuedAcquisitionFailsAtItsDeadlineWithTheLocalHolder() {
        Node node = w.node();
        acquireNow(node, "queued", LeaseOptions.defaults());
        int pendingBefore = w.scheduler.pending();
        long start = w.ticker.nanos();
        CompletableFuture<Lease> queued = node.lock("queued").acquireAsync(Duration.ofSeconds(2));
        w.scheduler.advanceTo(start + 2 * S - 1);
        assertThat(queued).isNotDone();
        long doneAt = runUntilDone(queued, 10 * S);
        assertThat(doneAt - start).isEqualTo(2 * S);
        assertThat(failure(queued))
                .isInstanceOfSatisfying(
                        LockTimeoutException.class,
                        e -> assertThat(e.holder())
                                .hasValueSatisfying(h -> assertThat(h.host()).isEqualTo("h")));
        assertThat(w.scheduler.pending()).as("nothing left behind").isLessThanOrEqualTo(pendingBefore);
    }

    /**
     * The watchdog declares a lease lost at its deadline on its own thread, which a loaded machine
     * can run late (ShedLock's suite saw this at load average 11). A local acquisition must not queue
     * behind a lease that is already over and be told the lock is held: it declares that lease lost
     * itself and goes to Redis.
     */
    @Test
    void aLocalHolderPastItsDeadlineDoesNotBlockTheNextLocalAcquisitionWhenTheWatchdogIsLate() {
        Node node = w.node();
        Lease first = acquireNow(
                node, "late-tick", LeaseOptions.leaseTime(Duration.ofMillis(50)).withReentrant(false));
        w.ticker.advance(100 * MS); // the clock moves, the watchdog's tick has not run yet
        assertThat(first.isHeld()).isFalse();
        assertThat(w.redis.exists("warden:{late-tick}")).isFalse();

        CompletableFuture<Lease> next = node.lock("late-tick")
                .acquireAsync(Duration.ZERO, LeaseOptions.owner(new Object()).withReentrant(false));
        w.scheduler.runReady();
        assertThat(failure(next)).as("acquired, not refused locally").isNull();
        assertThat(first.lostCause()).isPresent();
        assertThat(next.join().isHeld()).isTrue();
    }

    @Test
    void aContendersWaitEndsAtItsDeadlineWhileTheHolderKeepsTheLock() {
        Node holder = w.node();
        Node waiter = w.node();
        acquireNow(holder, "kept", LeaseOptions.defaults());
        long start = w.ticker.nanos();
        CompletableFuture<Lease> waiting = waiter.lock("kept").acquireAsync(Duration.ofMillis(2500));
        long doneAt = runUntilDone(waiting, 10 * S);
        assertThat(doneAt - start).isEqualTo(2500 * MS);
        assertThat(failure(waiting)).isInstanceOf(LockTimeoutException.class);
        assertThat(w.redis.exists("warden:{kept}")).isTrue();
    }

    @Test
    void aLocalWaiterTakesOverTheMomentTheLocalHolderReleases() {
        Node node = w.node();
        Lease held = acquireNow(node, "local", LeaseOptions.defaults());
        CompletableFuture<Lease> queued = node.lock("local").acquireAsync(Duration.ofSeconds(30));
        w.scheduler.runFor(5 * S);
        assertThat(queued).isNotDone();
        long releasedAt = w.ticker.nanos();
        held.releaseAsync();
        assertThat(runUntilDone(queued, 30 * S)).isEqualTo(releasedAt);
        assertThat(queued).isCompletedWithValueMatching(Lease::isHeld);
    }
}
