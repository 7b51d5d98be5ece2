package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.Lease;
import io.warden.LeaseNotHeldException;
import io.warden.LossPolicy;
import io.warden.RedisUnavailableException;
import io.warden.RunningTask;
import io.warden.TaskResult;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One task-lock run: the one place that keeps its {@code lockAtLeastFor} deadline, moves its bounds,
 * and ends it. {@link DefaultTaskLock} runs callbacks through {@link #run}; {@link
 * io.warden.TaskLock#tryStart()} hands it out.
 */
final class DefaultRunningTask implements RunningTask {
    private final LeaseHandle lease;
    private final TaskEvents events;
    private final Ticker ticker;
    private final String address;
    private final long started;
    private final long fencingToken;
    private final AtomicBoolean told = new AtomicBoolean();
    /** When {@code lockAtLeastFor} ends ({@link Ticker} nanos); moved by {@link #extend}. */
    private long atLeastUntil;

    private DefaultRunningTask(
            LeaseHandle lease,
            TaskEvents events,
            Ticker ticker,
            String address,
            long fencingToken,
            long started,
            long atLeastNanos) {
        this.lease = lease;
        this.events = events;
        this.ticker = ticker;
        this.address = address;
        this.fencingToken = fencingToken;
        this.started = started;
        this.atLeastUntil = started + atLeastNanos;
    }

    /** A run on a lease just acquired: logs the start, tells the listener, and forwards losses to it. */
    static DefaultRunningTask start(Lease lease, TaskEvents events, Engine engine, long atLeastNanos) {
        Ticker ticker = engine.wiring().ticker();
        long token = engine.settings().fencing() ? lease.fencingToken() : 0;
        DefaultRunningTask run = new DefaultRunningTask(
                (LeaseHandle) lease, events, ticker, engine.address(), token, ticker.nanos(), atLeastNanos);
        events.started(token);
        lease.onLost(events::lost);
        return run;
    }

    @Override
    public String name() {
        return lease.lockName();
    }

    @Override
    public Lease lease() {
        return lease;
    }

    @Override
    public void extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
        long atMost = Durations.leaseNanos(lockAtMostFor, "lockAtMostFor", name());
        long atLeast = Durations.leaseNanosOrZero(lockAtLeastFor, "lockAtLeastFor", name());
        Durations.checkOrder(name(), lockAtMostFor, lockAtLeastFor);
        long from = ticker.nanos();
        lease.extendHold(atMost);
        synchronized (this) {
            atLeastUntil = from + atLeast;
        }
    }

    @Override
    public void finish() {
        try {
            lease.releaseKeeping(keepNanos());
        } catch (LeaseNotHeldException e) {
            if (e.reason() != LeaseNotHeldException.Reason.ALREADY_RELEASED) {
                finished(e);
            }
            throw e;
        } catch (RedisUnavailableException e) {
            finished(e); // the run is over either way: its lease is no longer held
            throw e;
        }
        finished(null);
    }

    /** Runs {@code task} guarded by the lease (see {@link GuardedCall}), then ends the run. */
    <T extends @Nullable Object, E extends Exception> TaskResult<T> run(CriticalSection<T, E> task, LossPolicy policy)
            throws E {
        RunningTasks.push(lease);
        T value;
        try {
            value = GuardedCall.run(lease, task, policy, address, this::keepNanos);
        } catch (Exception | Error e) {
            finished(e);
            throw e;
        } finally {
            RunningTasks.pop();
        }
        return TaskResult.executed(value, finished(null), fencingToken);
    }

    /** How much longer {@code lockAtLeastFor} asks the lock to be kept, now; 0 or less if it passed. */
    private synchronized long keepNanos() {
        return atLeastUntil - ticker.nanos();
    }

    /** Tells the log and listener once that the run ended; returns how long it ran. */
    private Duration finished(@Nullable Throwable failure) {
        Duration took = Duration.ofNanos(ticker.nanos() - started);
        if (told.compareAndSet(false, true)) {
            events.finished(took, failure);
        }
        return took;
    }

    @Override
    public String toString() {
        return "RunningTask[" + name() + ", fencingToken=" + fencingToken + ", held=" + lease.isHeld() + "]";
    }
}
