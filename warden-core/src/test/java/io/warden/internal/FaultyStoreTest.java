package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.warden.internal.LockStore.Granted;
import io.warden.internal.LockStore.Stamp;
import io.warden.internal.sim.FaultPlan;
import io.warden.internal.sim.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FaultyStoreTest {
    private static final Stamp STAMP = new Stamp("host", 1, LockStore.Minting.COUNTER, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final FakeScheduler scheduler = new FakeScheduler(new FakeTicker(), 3);
    private final MemoryStore memory = new MemoryStore(scheduler.ticker(), scheduler);
    private final Trace trace = new Trace(scheduler.ticker()::nanos);
    private final LockKeys job = new KeySpace("warden").keys("job");

    private FaultyStore faulty(FaultPlan plan) {
        return new FaultyStore(memory.connect(), scheduler, plan, 11, trace, "c1");
    }

    @Test
    void withoutFaultsACallIsAnsweredOnceItsTasksRun() {
        FaultyStore store = faulty(FaultPlan.none());
        CompletableFuture<LockStore.Acquired> reply = store.acquire(job, "t1", 30_000, STAMP);
        assertThat(reply).isNotDone();
        scheduler.runReady();
        assertThat(reply).isCompletedWithValue(new Granted(1));
        assertThat(scheduler.pending()).as("timeout timer cancelled").isZero();
    }

    @Test
    void aDroppedReplysCommandDidRun() {
        FaultyStore store = faulty(FaultPlan.none().withDropReply(1));
        CompletableFuture<LockStore.Acquired> reply = store.acquire(job, "t1", 30_000, STAMP);
        scheduler.runFor(TIMEOUT.toNanos() - 1);
        assertThat(reply).isNotDone();
        assertThat(memory.ownerOf(job.lockKey())).hasValue("t1");
        scheduler.runFor(1);
        assertThat(reply)
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(Exception.class)
                .withCauseInstanceOf(RedisCommandTimeoutException.class);
        assertThat(trace.matching("REPLY DROPPED")).hasSize(1);
    }

    @Test
    void aCommandFailingBeforeRunningChangesNothing() {
        FaultyStore store = faulty(FaultPlan.none().withFailBefore(1));
        CompletableFuture<LockStore.Acquired> reply = store.acquire(job, "t1", 30_000, STAMP);
        scheduler.runUntilIdle();
        assertThat(reply)
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(Exception.class)
                .withCauseInstanceOf(RedisConnectionException.class);
        assertThat(memory.exists(job.lockKey())).isFalse();
    }

    @Test
    void aPausedCommandRunsAtResumeAfterItsFutureFailed() {
        FaultyStore store = faulty(FaultPlan.none());
        store.pause();
        CompletableFuture<LockStore.Acquired> reply = store.acquire(job, "t1", 30_000, STAMP);
        scheduler.runFor(TIMEOUT.plusMillis(1));
        assertThat(reply).isCompletedExceptionally();
        assertThat(memory.exists(job.lockKey())).isFalse();

        store.resume();
        scheduler.runUntilIdle();
        assertThat(memory.ownerOf(job.lockKey())).as("ran at resume").hasValue("t1");
        assertThat(trace.matching("RAN after its call had ended")).hasSize(1);
        assertThat(trace.matching("late reply discarded")).hasSize(1);
    }

    @Test
    void aDuplicatedAcquireRunsTwiceAndIsStillOneGrant() {
        FaultyStore store = faulty(FaultPlan.none()
                .withDelays(Duration.ofMillis(5), 0, Duration.ZERO)
                .withDuplicate(1));
        CompletableFuture<LockStore.Acquired> reply = store.acquire(job, "t1", 30_000, STAMP);
        scheduler.runUntilIdle();
        assertThat(reply).isCompletedWithValue(new Granted(1));
        assertThat(trace.matching("(replay) RAN")).hasSize(1);
        assertThat(memory.connect().inspect(job).join().lastIssued()).hasValue(1);
    }

    @Test
    void repliesKeepTheirOrderUnlessReordered() {
        assertThat(completionOrder(FaultPlan.none().withDelays(Duration.ofMillis(10), 0, Duration.ZERO)))
                .isSorted();
        assertThat(completionOrder(FaultPlan.none()
                        .withDelays(Duration.ofMillis(10), 0, Duration.ZERO)
                        .withReorder(1)))
                .isNotEqualTo(completionOrder(FaultPlan.none()));
    }

    @Test
    void aSlowReplyTimesOutThoughTheCommandRan() {
        FaultyStore store = faulty(FaultPlan.none().withDelays(Duration.ZERO, 1, Duration.ofSeconds(60)));
        List<CompletableFuture<LockStore.Acquired>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(store.acquire(new KeySpace("warden").keys("job" + i), "t" + i, 600_000, STAMP));
        }
        scheduler.runUntilIdle();
        assertThat(replies).anyMatch(CompletableFuture::isCompletedExceptionally);
        for (int i = 0; i < 10; i++) {
            assertThat(memory.ownerOf("warden:{job" + i + "}")).hasValue("t" + i);
        }
    }

    @Test
    void releaseMessagesCanBeDelayedOrLost() {
        FaultyStore lossy = faulty(FaultPlan.none().withMessages(1, Duration.ZERO));
        List<String> told = new ArrayList<>();
        lossy.onReleaseMessage(told::add);
        lossy.subscribe(job.channel());
        scheduler.runReady();
        memory.acquire(job, "t1", 30_000, STAMP);
        memory.release(job, "t1", 0, true);
        scheduler.runUntilIdle();
        assertThat(told).isEmpty();
        assertThat(trace.matching("LOST")).hasSize(1);
    }

    @Test
    void aSeedReplaysTheSameTrace() {
        assertThat(scenario(42)).isEqualTo(scenario(42)).isNotEqualTo(scenario(43));
    }

    private List<Integer> completionOrder(FaultPlan plan) {
        FaultyStore store = faulty(plan);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            store.inspect(job).thenAccept(inspection -> order.add(n));
        }
        scheduler.runUntilIdle();
        return order;
    }

    private static List<String> scenario(long seed) {
        FakeScheduler scheduler = new FakeScheduler(new FakeTicker(), seed);
        MemoryStore memory = new MemoryStore(scheduler.ticker(), scheduler);
        Trace trace = new Trace(scheduler.ticker()::nanos);
        FaultyStore store =
                new FaultyStore(memory, scheduler, FaultPlan.unreliable().withDropReply(0.2), seed, trace, "c");
        LockKeys job = new KeySpace("warden").keys("job");
        for (int i = 0; i < 50; i++) {
            store.acquire(job, "t" + (i % 3), 20, STAMP);
            store.release(job, "t" + (i % 3), 0, true);
            scheduler.runFor(Duration.ofMillis(4));
        }
        scheduler.runUntilIdle();
        return trace.lines();
    }
}
