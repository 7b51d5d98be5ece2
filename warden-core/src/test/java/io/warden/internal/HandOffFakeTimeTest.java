package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.warden.LeaseOptions;
import io.warden.internal.FakeTimeWardens.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A local hand-off ({@link LockStore#releaseTo}) when its outcome is uncertain, when its waiter
 * gives up while it is in flight, and what lets other processes in: a waiter elsewhere, which stops
 * the next hand-off, and the cap.
 */
class HandOffFakeTimeTest {
    private static final long MS = 1_000_000L;

    private final FakeTimeWardens w = new FakeTimeWardens();

    @Test
    void aHandOffWhoseReplyIsLostIsFoundByTheWaitersRetryWithTheSameToken() {
        LosesHandOffReplies store = new LosesHandOffReplies(w.redis.connect());
        Node node = w.node(store, UnaryOperator.identity());
        LockKeys keys = node.engine().keySpace().keys("job");
        LeaseState holder = acquire(node, keys);
        Acquisition waiter = node.engine().acquire(keys, new Object(), false, spec(node), 60_000 * MS);
        w.scheduler.runReady();
        assertThat(waiter.result).isNotDone();

        CompletableFuture<Void> release = holder.releaseAsync(0);
        w.scheduler.runFor(MS);

        assertThat(store.handedTo)
                .as("the release carried the waiter's acquire")
                .hasSize(1);
        assertThat(release).as("the releaser's outcome is unknown").isCompletedExceptionally();
        assertThat(holder.isHeld()).isFalse();
        LeaseState lease = waiter.result.join();
        assertThat(lease.isHeld()).isTrue();
        assertThat(lease.token()).as("found with the same token").isEqualTo(store.handedTo.get(0));
        assertThat(lease.fence()).isGreaterThan(holder.fence());
        assertThat(w.redis.inspect(keys).join().lastIssued())
                .as("the grant the hand-off minted; the retry minted nothing")
                .hasValue(lease.fence());
    }

    @Test
    void aWaiterThatGivesUpWhileItsHandOffIsInFlightGivesTheGrantBackAndTheGateMovesOn() {
        HoldsHandOffReplies store = new HoldsHandOffReplies(w.redis.connect());
        Node node = w.node(store, UnaryOperator.identity());
        LockKeys keys = node.engine().keySpace().keys("job");
        LeaseState holder = acquire(node, keys);
        Acquisition quitter = node.engine().acquire(keys, new Object(), false, spec(node), 60_000 * MS);
        Acquisition next = node.engine().acquire(keys, new Object(), false, spec(node), 60_000 * MS);
        w.scheduler.runReady();

        CompletableFuture<Void> release = holder.releaseAsync(0);
        w.scheduler.runFor(MS);
        assertThat(store.pending)
                .as("the hand-off ran at the server; its reply is on its way")
                .hasSize(1);
        assertThat(quitter.cancel()).isTrue();
        w.scheduler.runFor(MS);
        assertThat(next.result).as("found the lock held by the quitter's grant").isNotDone();

        store.deliver();
        w.scheduler.runFor(10 * MS);

        assertThat(release).isCompletedWithValue(null);
        assertThat(next.result)
                .as("the grant was given back, announced, and the next waiter took the lock")
                .isCompletedWithValueMatching(LeaseState::isHeld);
        assertThat(next.result.join().fence()).isGreaterThan(holder.fence());
        next.result.join().releaseAsync(0);
        w.scheduler.runFor(MS);
        assertThat(w.redis.exists(keys.lockKey())).as("nothing left behind").isFalse();
        assertThat(node.engine().table().existing(keys, new Object()))
                .as("the gate retired")
                .isNull();
    }

    /**
     * The S4 hang (a contender stranded for its whole wait while the lock was free): the gate names
     * the waiter its contender under its own monitor and tells it afterwards. A release message read
     * in between woke the waiter, which sent an attempt of its own; the hand-off then found it in
     * flight, the gate took that for "ended" and dropped it, and no later release, grant or gate
     * reached it again (its grant was refused at promotion and given back). The test holds the
     * waiter's monitor to stop the releasing thread exactly there, and delivers a message.
     */
    @Test
    void aReleaseMessageReadWhileTheGateHandsTheLockOnDoesNotStrandTheWaiter() throws Exception {
        HeldBackAcquires store = new HeldBackAcquires(w.redis.connect());
        Node node = w.node(store, UnaryOperator.identity());
        Node remote = w.node();
        LockKeys keys = node.engine().keySpace().keys("job");
        LeaseState remoteLease = acquire(remote, remote.engine().keySpace().keys("job"));
        // Contended first, so that the gate listens on the release channel while the lock is held here.
        Acquisition first = node.engine().acquire(keys, new Object(), false, spec(node), 60_000 * MS);
        settle(store, 3);
        assertThat(first.result).as("held by the remote process").isNotDone();
        Acquisition waiter = node.engine().acquire(keys, new Object(), false, spec(node), 60_000 * MS);
        remoteLease.releaseAsync(0);
        settle(store, 3);
        LeaseState holder = first.result.join();
        assertThat(waiter.result).as("queued behind the local holder").isNotDone();

        CompletableFuture<CompletableFuture<Void>> release = new CompletableFuture<>();
        Thread releaser = new Thread(() -> release.complete(holder.releaseAsync(0)), "releaser");
        int sentBefore = store.sent();
        synchronized (waiter) {
            releaser.start();
            long giveUp = System.nanoTime() + 10_000 * MS;
            while (releaser.getState() != Thread.State.BLOCKED) {
                assertThat(System.nanoTime() - giveUp)
                        .as("the releaser reached the waiter")
                        .isNegative();
                Thread.sleep(1);
            }
            // The gate has named the waiter its contender and is about to tell it; a message lands.
            w.redis.publish(keys.channel());
            w.scheduler.runReady();
        }
        releaser.join(10_000);
        assertThat(store.sent() - sentBefore)
                .as("the message did not make the waiter talk to Redis before the gate told it")
                .isZero();
        assertThat(release.join()).isCompletedWithValue(null);
        settle(store, 100); // a second of retries, were the waiter left to them

        assertThat(waiter.result)
                .as("the waiter got the lock, not stranded until its wait ends")
                .isCompletedWithValueMatching(LeaseState::isHeld);
        waiter.result.join().releaseAsync(0);
        settle(store, 3);
        assertThat(w.redis.exists(keys.lockKey())).as("nothing left behind").isFalse();
        assertThat(node.engine().table().existing(keys, new Object()))
                .as("the gate retired")
                .isNull();
    }

    /** A waiter that declines a hand-off but has not ended stays the gate's contender. */
    @Test
    void aWaiterThatDeclinesAHandOffWithoutEndingStaysTheContender() {
        Node node = w.node();
        LockKeys keys = node.engine().keySpace().keys("job");
        LeaseState holder = acquire(node, keys);
        LockEntry gate = node.engine().table().existing(keys, holder.owner());
        assertThat(gate).isNotNull();
        StubWaiter busy = new StubWaiter();
        assertThat(gate.enter(busy)).isEqualTo(LockEntry.Entered.QUEUED);

        assertThat(gate.handOff(holder)).as("the release goes alone").isNull();

        assertThat(gate.enter(new StubWaiter()))
                .as("queued behind the busy waiter, not a retired or free gate")
                .isEqualTo(LockEntry.Entered.QUEUED);
        assertThat(gate.drainWaiters()).contains(busy);
    }

    /**
     * S4's least active thread got 0.63 of a fair share with the hand-off alone: a process whose
     * threads pass the lock among themselves kept a waiting process out for up to the cap. A caller
     * elsewhere that waits marks the holder's key, and the next release frees the lock for everyone
     * instead of handing it on; the local waiter is told and tries again at once. Here the remote
     * process learns of the release first (replies to the local one take a millisecond), so it gets
     * the lock next, and the local waiter, not stranded, after it.
     */
    @Test
    void aWaiterElsewhereStopsTheHandOffAndTheLocalWaiterTriesAgain() {
        Node local = w.node(new SlowReplies(w.redis.connect(), w.scheduler), UnaryOperator.identity());
        Node remote = w.node();
        LockKeys keys = local.engine().keySpace().keys("job");
        List<String> grants = new CopyOnWriteArrayList<>();
        LeaseState first = acquire(local, keys);
        Acquisition other = remote.engine()
                .acquire(remote.engine().keySpace().keys("job"), new Object(), false, spec(remote), 60_000 * MS);
        other.result.thenAccept(lease -> {
            grants.add("remote");
            lease.releaseAsync(0);
        });
        w.scheduler.runFor(5 * MS);
        assertThat(other.result).as("refused, so the holder's key is marked").isNotDone();
        Acquisition waiter = local.engine().acquire(keys, new Object(), false, spec(local), 60_000 * MS);
        waiter.result.thenAccept(lease -> {
            grants.add("local");
            lease.releaseAsync(0);
        });
        w.scheduler.runReady();

        first.releaseAsync(0);
        w.scheduler.runFor(50 * MS);

        assertThat(grants).as("freed for everyone, not handed on").containsExactly("remote", "local");
        assertThat(w.redis.exists(keys.lockKey())).as("nothing left behind").isFalse();
        assertThat(waiter.result.join().fence())
                .isGreaterThan(other.result.join().fence());
    }

    @Test
    void afterTheCapAReleaseFreesTheLockAndAnotherProcessGetsIn() {
        Node local = w.node(new SlowReplies(w.redis.connect(), w.scheduler), UnaryOperator.identity());
        Node remote = w.node();
        LockKeys keys = local.engine().keySpace().keys("job");
        List<String> grants = new CopyOnWriteArrayList<>();
        LeaseState first = acquire(local, keys);

        Acquisition other = remote.engine()
                .acquire(remote.engine().keySpace().keys("job"), new Object(), false, spec(remote), 60_000 * MS);
        other.result.thenAccept(lease -> {
            grants.add("remote");
            lease.releaseAsync(0);
        });
        w.scheduler.runFor(5 * MS); // held: subscribed, waiting for a release message
        assertThat(other.result).isNotDone();

        List<Acquisition> locals = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Acquisition waiter = local.engine().acquire(keys, new Object(), false, spec(local), 60_000 * MS);
            String name = "local-" + i;
            waiter.result.thenAccept(lease -> {
                grants.add(name);
                lease.releaseAsync(0);
            });
            locals.add(waiter);
        }
        w.scheduler.runReady();
        first.releaseAsync(0);
        w.scheduler.runFor(200 * MS);

        assertThat(grants).hasSize(31);
        assertThat(grants.indexOf("remote"))
                .as("let in by the first release after the cap, not starved until the local queue ran dry")
                .isLessThanOrEqualTo(LockEntry.MAX_CONSECUTIVE_HAND_OFFS);
        assertThat(local.metrics().acquisitions.sum()).isEqualTo(31);
    }

    /** Delivers the held replies and moves the clock 10 ms, {@code rounds} times. */
    private void settle(HeldBackAcquires store, int rounds) {
        for (int i = 0; i < rounds; i++) {
            store.deliver();
            w.scheduler.runFor(10 * MS);
        }
    }

    private static LeaseSpec spec(Node node) {
        return LeaseSpec.of(LeaseOptions.defaults(), node.engine().settings());
    }

    private LeaseState acquire(Node node, LockKeys keys) {
        Acquisition acquisition = node.engine().acquire(keys, new Object(), false, spec(node), 0);
        w.scheduler.runFor(5 * MS);
        return acquisition.result.join();
    }

    /** A waiter whose own attempt is in flight: it declines a hand-off, and has not ended. */
    private static final class StubWaiter implements LockEntry.Waiter {
        private final Object owner = new Object();

        @Override
        public Object owner() {
            return owner;
        }

        @Override
        public boolean reentrant() {
            return false;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public void reentered(LeaseState lease) {
            throw new AssertionError("not re-entrant");
        }

        @Override
        public void start() {}

        @Override
        public void wake() {}

        @Override
        public void fail(io.warden.WardenException failure) {
            throw new AssertionError(failure);
        }

        @Override
        public @Nullable HandOff handOff() {
            return null;
        }
    }

    /** Runs each hand-off at the server and loses its reply, as a command timeout does. */
    private static final class LosesHandOffReplies extends ForwardingStore {
        final List<String> handedTo = new CopyOnWriteArrayList<>();

        LosesHandOffReplies(LockStore inner) {
            super(inner);
        }

        @Override
        public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
            handedTo.add(next.token());
            return inner.releaseTo(keys, token, next)
                    .thenCompose(ran -> CompletableFuture.failedFuture(
                            new RedisCommandTimeoutException("Command timed out after 3 second(s) (test)")));
        }
    }

    /** Runs each hand-off at the server at once and holds its reply back until the test delivers it. */
    private static final class HoldsHandOffReplies extends ForwardingStore {
        final List<Runnable> pending = new ArrayList<>();

        HoldsHandOffReplies(LockStore inner) {
            super(inner);
        }

        @Override
        public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
            HandedOff ran = inner.releaseTo(keys, token, next).join();
            CompletableFuture<HandedOff> reply = new CompletableFuture<>();
            pending.add(() -> reply.complete(ran));
            return reply;
        }

        void deliver() {
            List<Runnable> now = List.copyOf(pending);
            pending.clear();
            now.forEach(Runnable::run);
        }
    }

    /**
     * Commands run at the server at once; their replies take a millisecond to come back, while
     * release messages reach other clients at once: a process that is told of a release wins the
     * race to the free lock against one that learns of it from its reply.
     */
    private static final class SlowReplies extends ForwardingStore {
        private final Scheduler scheduler;

        SlowReplies(LockStore inner, Scheduler scheduler) {
            super(inner);
            this.scheduler = scheduler;
        }

        private <T> CompletableFuture<T> later(CompletableFuture<T> ran) {
            CompletableFuture<T> reply = new CompletableFuture<>();
            scheduler.schedule(
                    () -> ran.whenComplete((value, error) -> {
                        if (error != null) {
                            reply.completeExceptionally(error);
                        } else {
                            reply.complete(value);
                        }
                    }),
                    MS);
            return reply;
        }

        @Override
        public CompletableFuture<Acquired> acquire(
                LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
            return later(inner.acquire(keys, token, ttlMillis, stamp, waits));
        }

        @Override
        public CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce) {
            return later(inner.release(keys, token, keepMillis, announce));
        }

        @Override
        public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
            return later(inner.releaseTo(keys, token, next));
        }
    }
}
