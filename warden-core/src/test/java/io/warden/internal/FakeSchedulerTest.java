package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeSchedulerTest {
    private final FakeTicker ticker = new FakeTicker();
    private final FakeScheduler scheduler = new FakeScheduler(ticker, 1);
    private final List<String> ran = new ArrayList<>();

    @Test
    void tasksRunInDueOrderWithTheClockAtTheirDueTime() {
        long start = ticker.nanos();
        scheduler.schedule(() -> ran.add("b@" + (ticker.nanos() - start)), 20);
        scheduler.schedule(() -> ran.add("a@" + (ticker.nanos() - start)), 10);
        scheduler.schedule(() -> ran.add("c@" + (ticker.nanos() - start)), 30);
        scheduler.runUntilIdle();
        assertThat(ran).containsExactly("a@10", "b@20", "c@30");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void runForStopsAtTheHorizonAndRunsWhatTasksScheduleWithinIt() {
        long start = ticker.nanos();
        scheduler.schedule(() -> scheduler.schedule(() -> ran.add("child"), 5), 10);
        scheduler.schedule(() -> ran.add("late"), 100);
        scheduler.runFor(50);
        assertThat(ran).containsExactly("child");
        assertThat(ticker.nanos() - start).isEqualTo(50);
        assertThat(scheduler.pending()).isOne();
    }

    @Test
    void aCancelledTaskNeverRunsAndIsNotPending() {
        Scheduler.Cancellable task = scheduler.schedule(() -> ran.add("x"), 10);
        task.cancel();
        task.cancel();
        assertThat(scheduler.pending()).isZero();
        scheduler.runUntilIdle();
        assertThat(ran).isEmpty();
    }

    @Test
    void executeIsAZeroDelayTask() {
        scheduler.execute(() -> ran.add("callback"));
        assertThat(ran).isEmpty();
        scheduler.runReady();
        assertThat(ran).containsExactly("callback");
    }

    @Test
    void tiesAreOrderedBySeedAndReplayExactly() {
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            List<Integer> order = tieOrder(seed);
            assertThat(tieOrder(seed)).as("seed %d replays", seed).isEqualTo(order);
            orders.add(order);
        }
        assertThat(orders).as("seeds pick different interleavings").hasSizeGreaterThan(10);
    }

    @Test
    void anOverdueTaskRunsAtTheCurrentTimeNeverBack() {
        scheduler.schedule(() -> ran.add("due"), 10);
        ticker.advance(Duration.ofMillis(1));
        long now = ticker.nanos();
        scheduler.runUntilIdle();
        assertThat(ran).containsExactly("due");
        assertThat(ticker.nanos()).isEqualTo(now);
        assertThatThrownBy(() -> ticker.set(now - 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void periodicWorkCannotRunUntilIdle() {
        scheduler.stepLimit(1_000);
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> scheduler.schedule(tick[0], 1_000_000);
        scheduler.schedule(tick[0], 0);
        assertThatThrownBy(scheduler::runUntilIdle).hasMessageContaining("still busy");
    }

    @Test
    void aFailingTaskFailsTheRun() {
        scheduler.schedule(
                () -> {
                    throw new IllegalStateException("bug");
                },
                0);
        assertThatThrownBy(scheduler::runUntilIdle).hasMessage("bug");
    }

    private static List<Integer> tieOrder(long seed) {
        FakeScheduler tied = new FakeScheduler(new FakeTicker(), seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            tied.schedule(() -> order.add(n), 5);
        }
        tied.runUntilIdle();
        return order;
    }
}
