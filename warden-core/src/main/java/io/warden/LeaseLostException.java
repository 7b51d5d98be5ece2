package io.warden;

import java.util.Optional;

/**
 * A guarded task ({@link DistributedLock#callLocked}, task locks) lost its lease while it ran, so
 * its work was not protected for its whole duration. The task's own outcome is kept: {@link
 * #result()} if it returned a value anyway, or {@link #getCause()} if it threw.
 */
public final class LeaseLostException extends WardenException {
    private static final long serialVersionUID = 1L;

    private final transient LeaseLostEvent event;
    private final transient Object result;
    private final boolean completed;

    public LeaseLostException(
            LeaseLostEvent event, String redisAddress, boolean completed, Object result, Throwable failure) {
        super(
                event.lockName(),
                redisAddress,
                "lease lost while the task ran: " + event.cause() + " (" + event.detail() + ")",
                failure);
        this.event = event;
        this.completed = completed;
        this.result = result;
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
