package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.LeaderElection;
import io.warden.LeaderListener;
import io.warden.LeaderTerm;
import io.warden.Lease;
import io.warden.LeaseLostEvent;
import io.warden.LeaseOptions;
import io.warden.internal.FakeTimeWardens.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, defect 8: what an acquisition or a guarded call leaves behind when it ends, counted.
 * A queued acquisition's deadline timer must end with it (not wait out the full wait), and a
 * guarded call's loss listener must be removed from the lease when the call ends. Issue 19: an
 * acquisition withdrawn while its attempt is in flight must not subscribe to the release channel when
 * that attempt's "held elsewhere" reply comes back (the chaos leader phase's leaked subscriber).
 */
class LeakFakeTimeTest {
    private static final long SECOND = 1_000_000_000L;

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

    @Test
    void anAcquisitionCancelledWhileItsFirstAttemptIsInFlightLeavesNoReleaseSubscriptionBehind() {
        Node holder = w.node();
        CompletableFuture<Lease> held =
                holder.lock("taken").acquireAsync(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMinutes(5)));
        w.scheduler.runReady();
        assertThat(held).isCompletedWithValueMatching(Lease::isHeld);
        HeldReplies replies = new HeldReplies(w.redis.connect());
        Node waiter = w.node(replies, UnaryOperator.identity());
        String channel = waiter.engine().keySpace().keys("taken").channel();

        replies.holding = true;
        CompletableFuture<Lease> waiting = waiter.lock("taken").acquireAsync(Duration.ofMinutes(10));
        w.scheduler.runReady();
        assertThat(replies.parked).as("the first attempt is in flight").hasSize(1);
        waiting.cancel(false); // as LeaderElection.close() withdraws its campaign
        w.scheduler.runReady();
        replies.deliver(); // "held elsewhere" reaches an acquisition that has ended
        w.scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS + SECOND);

        assertThat(replies.client.isSubscribed(channel))
                .as("subscribed to %s after the only acquisition ended", channel)
                .isFalse();
        assertThat(waiter.engine().table().snapshot()).isEmpty();
    }

    /**
     * The chaos leader phase's leak, step by step: two candidates of one process share the lock's
     * gate while another process leads. Closing the first passes the gate to the second, whose first
     * attempt is in flight when it is closed too; its reply ("held elsewhere") must not subscribe the
     * process again once nobody campaigns there.
     */
    @Test
    void closingTwoCandidatesWhileTheSecondsFirstAttemptIsInFlightLeavesNoReleaseSubscriptionBehind() {
        Node leaderNode = w.node();
        LeaderElection leader = new DefaultLeaderElection(leaderNode.lock("election"), Duration.ofSeconds(1));
        leader.start(QUIET);
        w.scheduler.runFor(SECOND);
        assertThat(leader.isLeader()).isTrue();
        HeldReplies replies = new HeldReplies(w.redis.connect());
        Node node = w.node(replies, UnaryOperator.identity());
        String channel = node.engine().keySpace().keys("election").channel();
        LeaderElection first = new DefaultLeaderElection(node.lock("election"), Duration.ofSeconds(1));
        LeaderElection second = new DefaultLeaderElection(node.lock("election"), Duration.ofSeconds(1));
        first.start(QUIET);
        second.start(QUIET);
        w.scheduler.runFor(SECOND);
        assertThat(replies.client.isSubscribed(channel))
                .as("the first candidate waits subscribed")
                .isTrue();

        replies.holding = true;
        first.close(); // the gate passes to the second candidate, whose first attempt is sent
        w.scheduler.runReady();
        assertThat(replies.parked)
                .as("the second candidate's first attempt is in flight")
                .hasSize(1);
        second.close();
        w.scheduler.runReady();
        replies.deliver();
        w.scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS + SECOND);

        assertThat(leader.isLeader()).isTrue();
        assertThat(replies.client.isSubscribed(channel))
                .as("subscribed to %s after both candidates closed", channel)
                .isFalse();
        assertThat(node.engine().table().snapshot()).isEmpty();
        leader.close();
    }

    private static final LeaderListener QUIET = new LeaderListener() {
        @Override
        public void onElected(LeaderTerm term) {}

        @Override
        public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) {}
    };

    /**
     * A client whose acquire commands, while {@link #holding}, run on the server at once but whose
     * replies are held back until {@link #deliver()}: an attempt in flight, for as long as the test likes.
     */
    private static final class HeldReplies extends ForwardingStore {
        final MemoryStore client;
        final List<Runnable> parked = new ArrayList<>();
        boolean holding;

        HeldReplies(MemoryStore client) {
            super(client);
            this.client = client;
        }

        @Override
        public CompletableFuture<Acquired> acquire(
                LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
            CompletableFuture<Acquired> ran = inner.acquire(keys, token, ttlMillis, stamp, waits);
            if (!holding) {
                return ran;
            }
            CompletableFuture<Acquired> reply = new CompletableFuture<>();
            parked.add(() -> ran.whenComplete((value, error) -> {
                if (error != null) {
                    reply.completeExceptionally(error);
                } else {
                    reply.complete(value);
                }
            }));
            return reply;
        }

        void deliver() {
            List<Runnable> now = List.copyOf(parked);
            parked.clear();
            holding = false;
            now.forEach(Runnable::run);
        }
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
