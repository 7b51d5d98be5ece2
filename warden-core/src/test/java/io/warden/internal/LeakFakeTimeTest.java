package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.internal.FakeTimeWardens.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, defect 8: what an acquisition or a guarded call leaves behind when it ends, counted.
 * A queued acquisition's deadline timer must end with it (not wait out the full wait), and a
 * guarded call's loss listener must be removed from the lease when the call ends.
 */
class LeakFakeTimeTest {
    private final FakeTimeWardens w = new FakeTimeWardens();

    @Test
    void queuedAcquisitionsLeaveNoTimerBehindOnceTheyComplete() {
        Node node = w.node();
        CompletableFuture<Lease> first = node.lock("busy").acquireAsync(Duration.ZERO);
        w.scheduler.runReady();
        Lease holder = first.join();
        int waiters = 2_000;
        List<CompletableFuture<Lease>> queued = new ArrayList<>();
        AtomicInteger acquired = new AtomicInteger();
        for (int i = 0; i < waiters; i++) {
            CompletableFuture<Lease> waiting = node.lock("busy").acquireAsync(Duration.ofMinutes(10));
            // Each one holds briefly, then passes the lock on to the next in the queue.
            waiting.thenAccept(lease -> {
                acquired.incrementAndGet();
                lease.releaseAsync();
            });
            queued.add(waiting);
        }
        w.scheduler.runReady();
        assertThat(w.scheduler.pending())
                .as("each queued acquisition has a deadline timer while it waits")
                .isGreaterThanOrEqualTo(waiters);

        holder.releaseAsync();
        w.scheduler.runFor(Duration.ofSeconds(1));
        assertThat(queued).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(acquired).hasValue(waiters);
        assertThat(w.scheduler.pending())
                .as("timers left after %d acquisitions completed (not one per waiter, waiting 10 min)", waiters)
                .isLessThanOrEqualTo(2);
        assertThat(node.watchdog().size()).isZero();
        assertThat(node.engine().table().snapshot()).isEmpty();
    }

    @Test
    void nestedGuardedCallsRemoveTheirLossListenersFromTheLease() throws Exception {
        Node node = w.node();
        DefaultLock lock = node.lock("guarded");
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        LeaseState state = lock.callLocked(Duration.ZERO, () -> {
            LeaseState held = lock.heldBy(Thread.currentThread());
            // 100 chains of 100 nested guarded calls: 10,000 re-entrant holds of one lease.
            for (int chain = 0; chain < 100; chain++) {
                nest(lock, held, 100, calls, deepest);
                assertThat(held.listenerCount())
                        .as("after chain %d: only the outer call's", chain)
                        .isOne();
            }
            return held;
        });
        assertThat(calls).hasValue(10_000);
        assertThat(deepest).as("listeners registered while nested 100 deep").hasValue(101);
        assertThat(state.listenerCount()).isZero();
        assertThat(state.phase()).isEqualTo(LeaseMachine.Phase.RELEASED);
        assertThat(w.redis.exists("warden:{guarded}")).isFalse();
    }

    private static void nest(DefaultLock lock, LeaseState held, int depth, AtomicInteger calls, AtomicInteger deepest)
            throws InterruptedException {
        if (depth == 0) {
            deepest.accumulateAndGet(held.listenerCount(), Math::max);
            return;
        }
        calls.incrementAndGet();
        if (depth % 2 == 0) {
            lock.runLocked(Duration.ZERO, () -> {
                try {
                    nest(lock, held, depth - 1, calls, deepest);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        } else {
            lock.callLocked(Duration.ZERO, () -> {
                nest(lock, held, depth - 1, calls, deepest);
                return null;
            });
        }
    }
}
