package io.warden;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore shared by every process on the same Redis: at most {@link #permits()} units
 * are held at once, and each acquisition is a {@link Permit}, a lease like a lock's. Handles are
 * cheap and do no I/O; get one from {@link Warden#semaphore(String, int)}.
 *
 * <pre>{@code
 * DistributedSemaphore partnerApi = warden.semaphore("partner-api", 5);
 * try (Permit permit = partnerApi.acquire(Duration.ofSeconds(10))) {
 *     partner.call(request);
 * }
 * }</pre>
 *
 * <p><b>The limit</b> is stored with the semaphore on its first acquisition and kept (also while
 * nobody holds a permit). A handle created with another limit is refused with {@link
 * PermitCountMismatchException} naming both, so two deployments cannot silently disagree. {@link
 * #resize(int)} changes it on purpose: holders above a lowered limit keep their permits until they
 * release or lose them, and new acquisitions wait until the units in use fall below the new limit.
 *
 * <p><b>Waiting</b> is woken by release messages, as for locks, with the earliest holder's expiry
 * and the backoff as fallbacks (a dead holder publishes nothing). Within one Warden, waiters of a
 * semaphore are served first come, first served: only the oldest asks Redis, so a waiter for many
 * units is not overtaken by later waiters for fewer. Across processes there is no ordering.
 *
 * <p><b>Not guaranteed.</b> Not available on Redlock ({@link UnsupportedOperationException} from
 * {@link Warden#semaphore}). Permits are not re-entrant. {@link LeaseOptions#withReentrant} and
 * {@link LeaseOptions#withOwner} are ignored: each acquisition is its own permit.
 */
public interface DistributedSemaphore {

    /** The semaphore's name. */
    String name();

    /** The limit this handle asks for: the total number of units that may be held at once. */
    int permits();

    /** One permit, waiting up to {@code wait}; the watchdog keeps it until released. */
    Permit acquire(Duration wait) throws InterruptedException;

    /**
     * {@code units} permits as one lease, waiting up to {@code wait}.
     *
     * @throws IllegalArgumentException if {@code units} is under 1 or over {@link #permits()}
     * @throws LockTimeoutException if not enough permits were free within {@code wait}
     * @throws PermitCountMismatchException if the stored limit differs from {@link #permits()}
     * @throws RedisUnavailableException if Redis stayed unavailable until the wait ended
     */
    Permit acquire(int units, Duration wait) throws InterruptedException;

    /** As {@link #acquire(int, Duration)}, with a lease time, watchdog and maximum hold of its own. */
    Permit acquire(int units, Duration wait, LeaseOptions options) throws InterruptedException;

    /** One permit if one is free now (one round trip), else empty. */
    Optional<Permit> tryAcquire();

    /** {@code units} permits if they are free now, else empty. */
    Optional<Permit> tryAcquire(int units);

    /** One permit, without blocking a thread; cancelling the future withdraws the waiter. */
    CompletableFuture<Permit> acquireAsync(Duration wait);

    /** {@code units} permits, without blocking a thread. */
    CompletableFuture<Permit> acquireAsync(int units, Duration wait);

    /**
     * A handle on this semaphore with {@code newPermits} as its limit, whose acquisitions store that
     * limit instead of refusing a different one. No I/O: the limit changes with the next acquisition
     * through the returned handle. Holders above a lowered limit keep their permits; new ones wait.
     *
     * @throws IllegalArgumentException if {@code newPermits} is under 1
     */
    DistributedSemaphore resize(int newPermits);
}
