package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.HolderInfo;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.LossPolicy;
import io.warden.RunningTask;
import io.warden.TaskListener;
import io.warden.TaskLock;
import io.warden.TaskResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/** A task lock: a {@link DefaultLock} plus its settings and the run-or-skip protocol; runs are {@link DefaultRunningTask}s. */
final class DefaultTaskLock implements TaskLock {
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
        Durations.checkOrder(name(), lockAtMostFor, atLeast);
        return new DefaultTaskLock(lock, lockAtMostFor, true, atLeast, watchdog, lossPolicy, level, listener);
    }

    @Override
    public TaskLock lockAtLeastFor(Duration lockAtLeastFor) {
        Durations.leaseNanosOrZero(lockAtLeastFor, "lockAtLeastFor", name());
        if (atMostExplicit) {
            Durations.checkOrder(name(), atMost, lockAtLeastFor);
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
    public Optional<RunningTask> tryStart() {
        Durations.checkOrder(name(), atMost, atLeast);
        // A fresh owner: the run may be finished on another thread than the one that started it.
        Object outcome = lock.tryAcquireOrConflict(leaseOptions().withOwner(new Object()));
        if (outcome instanceof LockTimeoutException conflict) {
            skipped(conflict);
            return Optional.empty();
        }
        return Optional.of(start((Lease) outcome));
    }

    @Override
    public <T extends @Nullable Object, E extends Exception> TaskResult<T> runIfFree(CriticalSection<T, E> task)
            throws E {
        Objects.requireNonNull(task, "task");
        Durations.checkOrder(name(), atMost, atLeast);
        Object outcome = lock.tryAcquireOrConflict(leaseOptions());
        if (outcome instanceof LockTimeoutException conflict) {
            return skipped(conflict);
        }
        return start((Lease) outcome).run(task, lossPolicy);
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
        Durations.checkOrder(name(), atMost, atLeast);
        Lease lease;
        try {
            lease = lock.acquire(wait, leaseOptions());
        } catch (LockTimeoutException conflict) {
            return skipped(conflict);
        }
        return start(lease).run(task, lossPolicy);
    }

    private DefaultRunningTask start(Lease lease) {
        return DefaultRunningTask.start(lease, events(), lock.engine(), atLeast.toNanos());
    }

    private <T extends @Nullable Object> TaskResult<T> skipped(LockTimeoutException conflict) {
        Optional<HolderInfo> holder = conflict.holder();
        events().skipped(holder);
        return TaskResult.skipped(holder.orElse(null));
    }

    private TaskEvents events() {
        return new TaskEvents(name(), level, listener, lock.engine().wiring().listeners());
    }

    private LeaseOptions leaseOptions() {
        LeaseOptions options = LeaseOptions.defaults().withReentrant(false).withMaxHold(atMost);
        if (!watchdog) {
            options = options.withLeaseTime(atMost).withWatchdog(false);
        }
        return options;
    }

    @Override
    public String toString() {
        return "TaskLock[" + name() + ", lockAtMostFor=" + atMost + ", lockAtLeastFor=" + atLeast + "]";
    }
}
