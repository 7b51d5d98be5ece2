package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Backoff;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.internal.FakeTimeWardens.Node;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Time rules of a fair acquisition, on fake time: a waiter keeps its ticket alive however long it
 * waits (its timers wake it every lease / 3 even when its backoff would not), and a waiter whose
 * wait ends takes its ticket out of the queue.
 */
class FairAcquisitionFakeTimeTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final Backoff NEVER = Backoff.exponential(Duration.ofMinutes(10), Duration.ofMinutes(10));

    private final FakeTimeWardens w = new FakeTimeWardens();

    private static DefaultLock fair(Node node, String name) {
        return new DefaultLock(
                node.engine(),
                node.engine().keySpace().fairKeys(name, node.engine().instance()));
    }

    @Test
    void aWaiterKeepsItsTicketAliveForManyTicketLeases() {
        Node holder = w.node();
        Node waiter =
                w.node(s -> FakeTimeWardens.withBackoff(FakeTimeWardens.withLease(s, Duration.ofSeconds(3)), NEVER));
        CompletableFuture<Lease> held = fair(holder, "long").acquireAsync(Duration.ZERO, LeaseOptions.defaults());
        w.scheduler.runReady();
        Lease lease = held.join();
        CompletableFuture<Lease> waiting = fair(waiter, "long").acquireAsync(Duration.ofMinutes(5));
        for (int i = 0; i < 20; i++) {
            w.scheduler.runFor(S);
            assertThat(w.redis.pttl("warden:{long}:queue"))
                    .as("queue alive after %d s", i + 1)
                    .isPositive();
            assertThat(w.redis
                            .inspect(waiter.engine().keySpace().keys("long"))
                            .join()
                            .queued())
                    .as("live tickets after %d s", i + 1)
                    .isEqualTo(1);
        }
        assertThat(waiting).isNotDone();
        long releasedAt = w.ticker.nanos();
        lease.releaseAsync();
        while (!waiting.isDone()) {
            w.scheduler.advanceTo(Math.max(w.scheduler.nextDue(), w.ticker.nanos()));
        }
        assertThat(w.ticker.nanos()).as("woken by the release message").isEqualTo(releasedAt);
        assertThat(waiting).isCompletedWithValueMatching(Lease::isHeld);
    }

    @Test
    void aWaiterWhoseWaitEndsLeavesNoTicket() {
        Node holder = w.node();
        Node waiter = w.node();
        CompletableFuture<Lease> held = fair(holder, "short").acquireAsync(Duration.ZERO, LeaseOptions.defaults());
        w.scheduler.runReady();
        held.join();
        CompletableFuture<Lease> waiting = fair(waiter, "short").acquireAsync(Duration.ofSeconds(2));
        w.scheduler.runFor(3 * S);
        assertThat(waiting).isCompletedExceptionally();
        assertThat(w.redis.exists("warden:{short}:queue")).isFalse();
        assertThat(w.redis
                        .inspect(holder.engine().keySpace().keys("short"))
                        .join()
                        .queued())
                .isZero();
    }
}
