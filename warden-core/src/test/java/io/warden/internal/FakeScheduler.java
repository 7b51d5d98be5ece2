package io.warden.internal;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * A {@link Scheduler} on a {@link FakeTicker}: nothing runs until the test says so, and then tasks
 * run one at a time, on the calling thread, each with the clock set to its due time.
 *
 * <p>Tasks due at the same instant run in an order drawn from a seeded {@link Random}: a seed picks
 * one interleaving, and the same seed replays it exactly (provided the code under test is itself
 * deterministic). It also serves as the engine's callback {@link Executor}: {@link #execute} is a
 * task with no delay, so callbacks interleave with timers and replies as on a thread pool.
 *
 * <p>Not modelled: concurrency. A task runs to completion before the next starts, so races that
 * need two threads inside one method at once cannot happen here; only their orderings can. A task
 * that throws stops the run and the exception reaches the caller of {@code run...}, so a bug in
 * simulated code fails the seed instead of vanishing.
 */
public final class FakeScheduler implements Scheduler, Executor {
    /** {@link #runUntilIdle()} gives up after this many tasks: something keeps rescheduling. */
    public static final int DEFAULT_STEP_LIMIT = 1_000_000;

    private final FakeTicker ticker;
    private final Random random;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;
    private long ran;
    private int stepLimit = DEFAULT_STEP_LIMIT;

    public FakeScheduler(FakeTicker ticker, long seed) {
        this.ticker = ticker;
        this.random = new Random(seed);
    }

    public FakeTicker ticker() {
        return ticker;
    }

    /** How many tasks one {@code run...} call may run before it decides something loops. */
    public void stepLimit(int limit) {
        this.stepLimit = limit;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task scheduled = new Task(task, ticker.nanos() + Math.max(0, delayNanos), random.nextLong(), sequence++);
        queue.add(scheduled);
        return () -> cancel(scheduled);
    }

    public Cancellable schedule(Runnable task, Duration delay) {
        return schedule(task, delay.toNanos());
    }

    /** Runs {@code command} as a task due now: after whatever else is already due now, or before it. */
    @Override
    public void execute(Runnable command) {
        schedule(command, 0);
    }

    private synchronized void cancel(Task task) {
        queue.remove(task);
    }

    /** Tasks scheduled and neither run nor cancelled: a leak check after a quiet period. */
    public synchronized int pending() {
        return queue.size();
    }

    /** Tasks run so far. */
    public synchronized long ran() {
        return ran;
    }

    /** When the next task is due, or {@link Long#MAX_VALUE} if none is. */
    public synchronized long nextDue() {
        Task next = queue.peek();
        return next == null ? Long.MAX_VALUE : next.due;
    }

    /**
     * Runs the earliest task, moving the clock to its due time (never back: a task already overdue
     * because the test advanced the ticker itself runs now). Returns false if there was none.
     */
    public boolean runNext() {
        return runNextDueBy(Long.MAX_VALUE);
    }

    private boolean runNextDueBy(long limit) {
        Task next;
        synchronized (this) {
            next = queue.peek();
            if (next == null || next.due > limit) {
                return false;
            }
            queue.poll();
            ran++;
        }
        if (next.due > ticker.nanos()) {
            ticker.set(next.due);
        }
        next.action.run();
        return true;
    }

    /** Runs every task due now, including those they schedule for now; the clock stays. */
    public void runReady() {
        advanceTo(ticker.nanos());
    }

    /**
     * Runs, in due order, every task due up to {@code nanos} (including tasks they schedule within
     * it), then leaves the clock at {@code nanos}.
     */
    public void advanceTo(long nanos) {
        long steps = 0;
        while (runNextDueBy(nanos)) {
            if (++steps > stepLimit) {
                throw new IllegalStateException("more than " + stepLimit + " tasks due by " + nanos);
            }
        }
        ticker.set(nanos);
    }

    /** Runs time forward by {@code nanos}: {@link #advanceTo} now + nanos. */
    public void runFor(long nanos) {
        advanceTo(ticker.nanos() + nanos);
    }

    public void runFor(Duration duration) {
        runFor(duration.toNanos());
    }

    /**
     * Runs tasks until none is left, however far that moves the clock. Fails after {@link
     * #stepLimit} tasks: periodic work (a watchdog) never lets the queue go idle, so bound
     * such runs with {@link #runFor}.
     */
    public void runUntilIdle() {
        long steps = 0;
        while (runNext()) {
            if (++steps > stepLimit) {
                throw new IllegalStateException("still busy after " + stepLimit + " tasks: periodic work?");
            }
        }
    }

    private record Task(Runnable action, long due, long tieBreak, long sequence) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due, other.due);
            if (byDue != 0) {
                return byDue;
            }
            int byDraw = Long.compare(tieBreak, other.tieBreak);
            return byDraw != 0 ? byDraw : Long.compare(sequence, other.sequence);
        }
    }
}
