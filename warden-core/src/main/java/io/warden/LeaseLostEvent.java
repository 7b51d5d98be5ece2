package io.warden;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Told to a lease's holder when the lease is no longer held although the holder did not release it.
 *
 * @param lockName the lock whose lease was lost
 * @param fencingToken the fencing token of the lost lease (0 when fencing is disabled)
 * @param cause why the lease was lost
 * @param detail a human-readable explanation, e.g. the last renewal error
 * @param detectedAt when Warden detected the loss (wall clock, for logs only)
 * @param heldFor how long the lease had been held when it was lost (monotonic clock)
 */
public record LeaseLostEvent(
        String lockName, long fencingToken, LossCause cause, String detail, Instant detectedAt, Duration heldFor) {
    public LeaseLostEvent {
        Objects.requireNonNull(lockName, "lockName");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(detectedAt, "detectedAt");
        Objects.requireNonNull(heldFor, "heldFor");
    }
}
