package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.LeaseLostEvent;
import io.warden.LeaseLostException;
import io.warden.LossCause;
import io.warden.TaskListener;
import io.warden.TaskLock;
import io.warden.TaskResult;
import io.warden.internal.FakeTimeWardens.Node;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Task locks' timing rules (lockAtLeastFor, lockAtMostFor, watchdog during a long task) on a fake
 * clock. The in-memory store answers at once, so the blocking task API runs on the test thread;
 * a task "takes time" by running the fake scheduler forward.
 */
class TaskLockFakeTimeTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final FakeTimeWardens w = new FakeTimeWardens();

    @Test
    void aTaskShorterThanLockAtLeastForKeepsTheKeySoLateNodesSkipUntilItPasses() {
        Node a = w.node();
        Node b = w.node();
        TaskLock onA = a.task("short").lockAtMostFor(Duration.ofSeconds(10)).lockAtLeastFor(Duration.ofSeconds(1));
        TaskLock onB = b.task("short").lockAtMostFor(Duration.ofSeconds(10)).lockAtLeastFor(Duration.ofSeconds(1));
        long start = w.ticker.nanos();
        assertThat(onA.runIfFree(() -> w.scheduler.runFor(100 * MS))).isTrue();
        assertThat(w.redis.pttl("warden:{short}"))
                .as("kept for the rest of lockAtLeastFor")
                .isEqualTo(900);
        w.scheduler.runFor(100 * MS);
        TaskResult<Object> late = onB.runIfFree(() -> null);
        assertThat(late.executed()).as("a node firing 100 ms later skips").isFalse();
        assertThat(late.holder()).isPresent();
        w.scheduler.advanceTo(start + S - 1);
        assertThat(onB.runIfFree(() -> {})).as("still skipped just before 1 s").isFalse();
        w.scheduler.advanceTo(start + S);
        assertThat(onB.runIfFree(() -> {}))
                .as("runs once lockAtLeastFor passed")
                .isTrue();
    }

    @Test
    void aTaskLongerThanLockAtLeastForReleasesTheKeyWhenItEnds() {
        Node a = w.node();
        TaskLock task = a.task("long-enough").lockAtLeastFor(Duration.ofSeconds(1));
        assertThat(task.runIfFree(() -> w.scheduler.runFor(2 * S))).isTrue();
        assertThat(w.redis.exists("warden:{long-enough}")).isFalse();
    }

    @Test
    void aTaskLongerThanItsLeaseStaysExclusiveThanksToTheWatchdog() throws Exception {
        Node a = w.node(s -> FakeTimeWardens.withLease(s, Duration.ofSeconds(1)));
        Node b = w.node();
        AtomicInteger otherRuns = new AtomicInteger();
        TaskResult<String> result = a.task("long")
                .lockAtMostFor(Duration.ofSeconds(30))
                .runIfFree(() -> {
                    for (int i = 0; i < 15; i++) {
                        w.scheduler.runFor(200 * MS);
                        assertThat(b.task("long")
                                        .runIfFree(otherRuns::incrementAndGet)
                                        .executed())
                                .as("another node ran while the task held the lock")
                                .isFalse();
                    }
                    return "finished";
                });
        assertThat(result.executed()).isTrue();
        assertThat(result.value()).contains("finished");
        assertThat(result.duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(otherRuns).hasValue(0);
        assertThat(a.metrics().renewalsSent.sum()).isGreaterThanOrEqualTo(8);
        assertThat(b.task("long").runIfFree(() -> {})).isTrue();
    }

    @Test
    void aHungTaskLosesTheLockAtLockAtMostForAndIsInterrupted() {
        Node a = w.node(s -> FakeTimeWardens.withLease(s, Duration.ofMillis(600)));
        Node b = w.node();
        AtomicReference<LeaseLostEvent> heard = new AtomicReference<>();
        AtomicLong pttlAtLoss = new AtomicLong(Long.MIN_VALUE);
        TaskLock hung = a.task("hung").lockAtMostFor(Duration.ofMillis(1500)).listener(new TaskListener() {
            @Override
            public void onLost(String task, LeaseLostEvent event) {
                pttlAtLoss.set(w.redis.pttl("warden:{hung}"));
                heard.set(event);
            }
        });
        long start = w.ticker.nanos();
        AtomicLong interruptedAt = new AtomicLong();
        assertThatThrownBy(() -> hung.runIfFree(() -> {
                    while (w.ticker.nanos() - start < 20 * S) {
                        w.scheduler.runFor(MS);
                        if (Thread.currentThread().isInterrupted()) {
                            interruptedAt.set(w.ticker.nanos() - start);
                            throw new InterruptedException("hung task interrupted");
                        }
                    }
                    return null;
                }))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> {
                    assertThat(e.event().cause()).isEqualTo(LossCause.MAX_HOLD_REACHED);
                    assertThat(e.taskCompleted()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
                });
        assertThat(Thread.currentThread().isInterrupted())
                .as("our interrupt does not leak")
                .isFalse();
        assertThat(interruptedAt.get()).isPositive().isLessThan(1500 * MS);
        w.scheduler.runReady();
        assertThat(heard.get()).isNotNull();
        assertThat(pttlAtLoss.get()).as("told before the key could expire").isPositive();
        assertThat(b.task("hung").runIfFree(() -> {}))
                .as("another node can run it at once: the lost lease's key was released")
                .isTrue();
    }
}
