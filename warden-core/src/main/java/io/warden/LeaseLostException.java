package io.warden;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A guarded task ({@link DistributedLock#callLocked}, task locks) lost its lease while it ran, so
 * its work was not protected for its whole duration. The task's own outcome is kept: {@link
 * #result()} if it returned a value anyway, or {@link #getCause()} if it threw. When the lease was
 * already not held at the moment the task was to start (a grant that came too late, a pause
 * between acquisition and start), the task was never run: {@link #taskStarted()} is false.
 */
public final class LeaseLostException extends WardenException {
    private static final long serialVersionUID = 1L;

    private final transient LeaseLostEvent event;
    private final transient @Nullable Object result;
    private final boolean completed;
    private final boolean started;

    public LeaseLostException(
            LeaseLostEvent event,
            String redisAddress,
            boolean completed,
            @Nullable Object result,
            @Nullable Throwable failure) {
        this(event, redisAddress, true, completed, result, failure);
    }

    private LeaseLostException(
            LeaseLostEvent event,
            String redisAddress,
            boolean started,
            boolean completed,
            @Nullable Object result,
            @Nullable Throwable failure) {
        super(
                event.lockName(),
                redisAddress,
                (started
                                ? "lease lost while the task ran: "
                                : "lease not held when the task was to start; it did not run: ")
                        + event.cause() + " (" + event.detail() + ")",
                failure);
        this.event = event;
        this.started = started;
        this.completed = completed;
        this.result = result;
    }

    /** The task was not run because its lease was no longer held when it was to start. */
    public static LeaseLostException beforeStart(LeaseLostEvent event, String redisAddress) {
        return new LeaseLostException(event, redisAddress, false, false, null, null);
    }

    /** False when the task never ran because the lease was already gone. */
    public boolean taskStarted() {
        return started;
    }

    /** What was lost, when and why. */
    public LeaseLostEvent event() {
        return event;
    }

    /** True when the task returned normally despite the loss. */
    public boolean taskCompleted() {
        return completed;
    }

    /** The task's return value when it completed normally (empty for null results and failures). */
    public Optional<Object> result() {
        return Optional.ofNullable(result);
    }
}
