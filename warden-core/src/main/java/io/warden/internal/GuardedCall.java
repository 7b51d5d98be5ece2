package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.Lease;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task under a lease it already holds, then releases it. If the lease is lost meanwhile, the
 * task's thread is interrupted (policy {@link LossPolicy#INTERRUPT}) and the call ends with a
 * {@link LeaseLostException} carrying the task's own outcome. Our interrupt never leaks past the
 * call: it is cleared once the task ended.
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
    static <T, E extends Exception> T run(
            Lease lease, CriticalSection<T, E> task, LossPolicy policy, String address, LongSupplier keepNanos)
            throws E {
        GuardedCall guard = new GuardedCall();
        if (policy == LossPolicy.INTERRUPT) {
            lease.onLost(event -> guard.interruptIfRunning());
        }
        T result = null;
        Throwable failure = null;
        boolean completed = false;
        try {
            result = task.run();
            completed = true;
        } catch (Throwable t) {
            failure = t;
        } finally {
            guard.finished();
        }
        Optional<LeaseLostEvent> lost = lease.lostEvent();
        if (lost.isEmpty()) {
            lost = release(lease, address, keepNanos.getAsLong(), failure);
        }
        if (lost.isPresent()) {
            throw new LeaseLostException(lost.get(), address, completed, result, failure);
        }
        if (failure != null) {
            throw GuardedCall.<E>sneaky(failure);
        }
        return result;
    }

    private static Optional<LeaseLostEvent> release(Lease lease, String address, long keepNanos, Throwable failure) {
        try {
            if (lease instanceof LeaseHandle handle) {
                handle.releaseKeeping(keepNanos);
            } else {
                lease.release();
            }
            return Optional.empty();
        } catch (LeaseNotHeldException e) {
            if (lease.lostEvent().isPresent()) {
                return lease.lostEvent();
            }
            // Lost without the watchdog noticing (e.g. a fixed lease): the release found out.
            LossCause cause = e.reason() == LeaseNotHeldException.Reason.EXPIRED
                    ? LossCause.KEY_DELETED
                    : LossCause.TAKEN_BY_ANOTHER_OWNER;
            return Optional.of(
                    new LeaseLostEvent(lease.lockName(), 0, cause, e.getMessage(), Instant.now(), Duration.ZERO));
        } catch (RedisUnavailableException e) {
            // The lease was held for the whole task; only its release is unconfirmed, and it expires.
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

    @SuppressWarnings("unchecked")
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
