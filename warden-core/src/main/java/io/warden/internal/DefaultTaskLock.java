package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.HolderInfo;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.LossPolicy;
import io.warden.TaskListener;
import io.warden.TaskLock;
import io.warden.TaskResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** A task lock: a {@link DefaultLock} plus the run-or-skip protocol, logging and listener. */
final class DefaultTaskLock implements TaskLock {
    private static final Logger log = LoggerFactory.getLogger(TaskLock.class);
    static final Duration DEFAULT_AT_MOST = Duration.ofMinutes(30);

    private final DefaultLock lock;
    private final Duration atMost;
    private final boolean atMostExplicit;
    private final Duration atLeast;
    private final boolean watchdog;
    private final LossPolicy lossPolicy;
    private final Level level;
    private final TaskListener listener;

    DefaultTaskLock(DefaultLock lock) {
        this(
                lock,
                DEFAULT_AT_MOST,
                false,
                Duration.ZERO,
                true,
                lock.engine().settings().lossPolicy(),
                Level.INFO,
                new TaskListener() {});
    }

    private DefaultTaskLock(
            DefaultLock lock,
            Duration atMost,
            boolean atMostExplicit,
            Duration atLeast,
            boolean watchdog,
            LossPolicy lossPolicy,
            Level level,
            TaskListener listener) {
        this.lock = lock;
        this.atMost = atMost;
        this.atMostExplicit = atMostExplicit;
        this.atLeast = atLeast;
        this.watchdog = watchdog;
        this.lossPolicy = lossPolicy;
        this.level = level;
        this.listener = listener;
    }

    @Override
    public String name() {
        return lock.name();
    }

    @Override
    public TaskLock lockAtMostFor(Duration lockAtMostFor) {
        Durations.leaseNanos(lockAtMostFor, "lockAtMostFor", name());
        checkOrder(lockAtMostFor, atLeast);
        return new DefaultTaskLock(lock, lockAtMostFor, true, atLeast, watchdog, lossPolicy, level, listener);
    }

    @Override
    public TaskLock lockAtLeastFor(Duration lockAtLeastFor) {
        Durations.leaseNanosOrZero(lockAtLeastFor, "lockAtLeastFor", name());
        if (atMostExplicit) {
            checkOrder(atMost, lockAtLeastFor);
        }
        return new DefaultTaskLock(lock, atMost, atMostExplicit, lockAtLeastFor, watchdog, lossPolicy, level, listener);
    }

    @Override
    public TaskLock watchdog(boolean enabled) {
        return new DefaultTaskLock(lock, atMost, atMostExplicit, atLeast, enabled, lossPolicy, level, listener);
    }

    @Override
    public TaskLock lossPolicy(LossPolicy policy) {
        return new DefaultTaskLock(
                lock,
                atMost,
                atMostExplicit,
                atLeast,
                watchdog,
                Objects.requireNonNull(policy, "policy"),
                level,
                listener);
    }

    @Override
    public TaskLock logLevel(Level logLevel) {
        return new DefaultTaskLock(
                lock,
                atMost,
                atMostExplicit,
                atLeast,
                watchdog,
                lossPolicy,
                Objects.requireNonNull(logLevel, "level"),
                listener);
    }

    @Override
    public TaskLock listener(TaskListener taskListener) {
        return new DefaultTaskLock(
                lock,
                atMost,
                atMostExplicit,
                atLeast,
                watchdog,
                lossPolicy,
                level,
                Objects.requireNonNull(taskListener, "listener"));
    }

    @Override
    public <T extends @Nullable Object, E extends Exception> TaskResult<T> runIfFree(CriticalSection<T, E> task)
            throws E {
        Objects.requireNonNull(task, "task");
        checkOrder(atMost, atLeast);
        Object outcome = lock.tryAcquireOrConflict(leaseOptions());
        if (outcome instanceof LockTimeoutException conflict) {
            return skipped(conflict);
        }
        return run((Lease) outcome, task);
    }

    @Override
    public boolean runIfFree(Runnable task) {
        Objects.requireNonNull(task, "task");
        // No value: null, as CriticalSection<@Nullable Void, ...> allows. NullAway's standard mode
        // reads the lambda's T as non-null; a false positive, suppressed for this declaration only.
        @SuppressWarnings("NullAway")
        CriticalSection<@Nullable Void, RuntimeException> body = () -> {
            task.run();
            return null;
        };
        return runIfFree(body).executed();
    }

    @Override
    public <T extends @Nullable Object, E extends Exception> TaskResult<T> runWhenFree(
            Duration wait, CriticalSection<T, E> task) throws E, InterruptedException {
        Objects.requireNonNull(task, "task");
        checkOrder(atMost, atLeast);
        Lease lease;
        try {
            lease = lock.acquire(wait, leaseOptions());
        } catch (LockTimeoutException conflict) {
            return skipped(conflict);
        }
        return run(lease, task);
    }

    private <T extends @Nullable Object, E extends Exception> TaskResult<T> run(Lease lease, CriticalSection<T, E> task)
            throws E {
        long started = lock.engine().wiring().ticker().nanos();
        long token = lock.engine().settings().fencing() ? lease.fencingToken() : 0;
        log.atLevel(level).log("task '{}' started on this node (fencing token {})", name(), token);
        contain(() -> listener.onAcquired(name(), token));
        lease.onLost(event -> contain(() -> listener.onLost(name(), event)));
        RunningTasks.push(lease);
        T value;
        try {
            value = GuardedCall.run(
                    (LeaseHandle) lease,
                    task,
                    lossPolicy,
                    lock.engine().address(),
                    () -> atLeast.toNanos() - (lock.engine().wiring().ticker().nanos() - started));
        } catch (Exception | Error e) {
            finished(started, e);
            throw e;
        } finally {
            RunningTasks.pop();
        }
        Duration took = finished(started, null);
        return TaskResult.executed(value, took, token);
    }

    private Duration finished(long started, @Nullable Throwable failure) {
        Duration took = Duration.ofNanos(lock.engine().wiring().ticker().nanos() - started);
        if (failure == null) {
            log.atLevel(level).log("task '{}' finished in {} ms", name(), took.toMillis());
        } else {
            log.atLevel(level).log("task '{}' failed after {} ms: {}", name(), took.toMillis(), failure.toString());
        }
        contain(() -> listener.onFinished(name(), took, failure));
        return took;
    }

    private <T extends @Nullable Object> TaskResult<T> skipped(LockTimeoutException conflict) {
        Optional<HolderInfo> holder = conflict.holder();
        log.atLevel(level)
                .log(
                        "task '{}' skipped: held by {}",
                        name(),
                        holder.map(HolderInfo::toString).orElse("another node"));
        contain(() -> listener.onSkipped(name(), holder));
        return TaskResult.skipped(holder.orElse(null));
    }

    private LeaseOptions leaseOptions() {
        LeaseOptions options = LeaseOptions.defaults().withReentrant(false).withMaxHold(atMost);
        if (!watchdog) {
            options = options.withLeaseTime(atMost).withWatchdog(false);
        }
        return options;
    }

    private void checkOrder(Duration mostFor, Duration leastFor) {
        if (leastFor.compareTo(mostFor) > 0) {
            throw new IllegalArgumentException("task '" + name() + "': lockAtLeastFor (" + leastFor
                    + ") must not exceed lockAtMostFor (" + mostFor + ")");
        }
    }

    private void contain(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            log.error("a listener of task '{}' threw", name(), e);
        }
    }

    @Override
    public String toString() {
        return "TaskLock[" + name() + ", lockAtMostFor=" + atMost + ", lockAtLeastFor=" + atLeast + "]";
    }
}
