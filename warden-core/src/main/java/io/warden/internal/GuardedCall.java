package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.LeaseLostEvent;
import io.warden.LeaseLostException;
import io.warden.LeaseNotHeldException;
import io.warden.LossCause;
import io.warden.LossPolicy;
import io.warden.RedisUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task under a lease it already holds, then releases it. The task runs only if the lease is
 * held when it starts. If the lease is lost meanwhile, the task's thread is interrupted (policy
 * {@link LossPolicy#INTERRUPT}) and the call ends with a {@link LeaseLostException} carrying the
 * task's own outcome. The release is always sent, owner-checked, even after a loss (the key may
 * remain until it expires otherwise). Our interrupt never leaks past the call, and our loss
 * listener is removed when the call ends.
 */
final class GuardedCall {
    private static final Logger log = LoggerFactory.getLogger(GuardedCall.class);

    private final Thread worker = Thread.currentThread();
    private boolean running = true;
    private boolean interrupted;

    private GuardedCall() {}

    /**
     * @param keepNanos asked when the task ended: keep the key that much longer (task locks), or 0
     */
    static <T extends @Nullable Object, E extends Exception> T run(
            LeaseHandle lease, CriticalSection<T, E> task, LossPolicy policy, String address, LongSupplier keepNanos)
            throws E {
        if (!lease.isHeld()) {
            throw notHeldAtStart(lease, address);
        }
        GuardedCall guard = new GuardedCall();
        Runnable stopListening =
                policy == LossPolicy.INTERRUPT ? lease.state().onLost(event -> guard.interruptIfRunning()) : () -> {};
        @Nullable T result = null;
        Throwable failure = null;
        boolean completed = false;
        try {
            result = task.run();
            completed = true;
        } catch (Throwable t) {
            failure = t;
        } finally {
            guard.finished();
            stopListening.run();
        }
        Optional<LeaseLostEvent> lost = release(lease, address, keepNanos.getAsLong(), failure);
        if (lost.isPresent()) {
            throw new LeaseLostException(lost.get(), address, completed, result, failure);
        }
        if (failure != null) {
            throw GuardedCall.<E>sneaky(failure);
        }
        return taskValue(result);
    }

    /** The lease ended before the task could start: give it back and say so; the task never runs. */
    private static LeaseLostException notHeldAtStart(LeaseHandle lease, String address) {
        Optional<LeaseLostEvent> lost = release(lease, address, 0, null);
        LeaseLostEvent event = lost.orElseGet(() -> new LeaseLostEvent(
                lease.lockName(),
                0,
                LossCause.EXPIRED,
                "the lease was no longer held when the task was to start",
                Instant.now(),
                Duration.ZERO));
        return LeaseLostException.beforeStart(event, address);
    }

    private static Optional<LeaseLostEvent> release(
            LeaseHandle lease, String address, long keepNanos, @Nullable Throwable failure) {
        try {
            lease.releaseKeeping(keepNanos);
            return lease.lostEvent();
        } catch (LeaseNotHeldException e) {
            if (lease.lostEvent().isPresent()) {
                return lease.lostEvent();
            }
            LossCause cause = e.reason() == LeaseNotHeldException.Reason.HELD_BY_ANOTHER_OWNER
                    ? LossCause.TAKEN_BY_ANOTHER_OWNER
                    : LossCause.KEY_DELETED;
            return Optional.of(new LeaseLostEvent(
                    lease.lockName(), 0, cause, String.valueOf(e.getMessage()), Instant.now(), Duration.ZERO));
        } catch (RedisUnavailableException e) {
            // Held for the whole task; only the release's outcome is unknown, and the key expires.
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                log.warn(
                        "lock '{}' on {}: task finished but the release was not confirmed; the lease will expire: {}",
                        lease.lockName(),
                        address,
                        e.getMessage());
            }
            return Optional.empty();
        }
    }

    private synchronized void interruptIfRunning() {
        if (running) {
            interrupted = true;
            worker.interrupt();
        }
    }

    private synchronized void finished() {
        running = false;
        if (interrupted) {
            Thread.interrupted(); // ours, not the caller's: do not leak it
        }
    }

    /**
     * The task's value, which is null only if the task returned null: that is allowed, as {@code T}
     * may be a nullable type ({@code CriticalSection<T extends @Nullable Object>}).
     */
    // NullAway's standard mode (JSpecify mode needs JDK 21.0.8+) reads an unannotated type variable
    // as non-null, so it would reject returning a null T: a false positive, suppressed here only.
    @SuppressWarnings("NullAway")
    private static <T extends @Nullable Object> T taskValue(@Nullable T value) {
        return value;
    }

    // E appears only in the throws clause on purpose: the caller's checked exception type is
    // rethrown as it is, without wrapping (a "sneaky throw").
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <E extends Exception> E sneaky(Throwable failure) throws E {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw (E) failure;
    }
}
