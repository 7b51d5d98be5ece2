package io.warden;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.NonNull;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a {@link TaskLock} run: it ran (with its value and duration), or it was skipped
 * (with the holder that had the lock, when known). Immutable.
 *
 * @param <T> the task's value type
 */
public final class TaskResult<T extends @Nullable Object> {
    private final boolean executed;
    private final @Nullable T value;
    private final @Nullable HolderInfo holder;
    private final Duration duration;
    private final long fencingToken;

    private TaskResult(
            boolean executed, @Nullable T value, @Nullable HolderInfo holder, Duration duration, long fencingToken) {
        this.executed = executed;
        this.value = value;
        this.holder = holder;
        this.duration = duration;
        this.fencingToken = fencingToken;
    }

    /** A run that happened. */
    public static <T extends @Nullable Object> TaskResult<T> executed(T value, Duration duration, long fencingToken) {
        return new TaskResult<>(true, value, null, Objects.requireNonNull(duration, "duration"), fencingToken);
    }

    /** A run skipped because {@code holder} (null if unknown) held the lock. */
    public static <T extends @Nullable Object> TaskResult<T> skipped(@Nullable HolderInfo holder) {
        return new TaskResult<>(false, null, holder, Duration.ZERO, 0);
    }

    /** True if the task ran on this node. */
    public boolean executed() {
        return executed;
    }

    /** The task's value when it ran and returned non-null. */
    public Optional<@NonNull T> value() {
        return Optional.ofNullable(value);
    }

    /** Who held the lock when this node skipped. */
    public Optional<HolderInfo> holder() {
        return Optional.ofNullable(holder);
    }

    /** How long the task ran ({@link Duration#ZERO} when skipped). */
    public Duration duration() {
        return duration;
    }

    /** The run's fencing token (0 when skipped or fencing is disabled). */
    public long fencingToken() {
        return fencingToken;
    }

    @Override
    public String toString() {
        return executed
                ? "TaskResult[executed in " + duration + ", value=" + value + "]"
                : "TaskResult[skipped, held by " + (holder == null ? "unknown" : holder) + "]";
    }
}
