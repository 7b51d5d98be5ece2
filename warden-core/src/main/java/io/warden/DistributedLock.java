package io.warden;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;

/**
 * A named mutual-exclusion lock shared through Redis by every process that uses the same name and
 * key prefix. A cheap handle: creating one does no I/O, and handles for the same name share state.
 *
 * <p><b>Guarantees.</b> At most one owner holds a lease on the name at a time, as long as Redis keeps
 * its data and no holder is paused past its lease (see {@link Lease} and docs/guarantees.md). Every
 * acquisition gets a {@link Lease#fencingToken() fencing token} greater than all earlier ones.
 * Waiting never polls Redis in a loop: a waiter is woken by the release message, at the holder's
 * remaining TTL (expiry sends no message), or by a jittered backoff as a safety net. Within one
 * {@link Warden}, waiters queue locally in FIFO order and only the head of the queue talks to Redis;
 * across processes there is no fairness guarantee. A release while a local waiter is queued hands
 * the lock to it in the same round trip, without a release message; after 8 such hand-offs in a
 * row a release frees the lock and wakes other processes' waiters, so that they get a chance at it
 * (on a single server, Sentinel or Cluster; not with Redlock).
 *
 * <p><b>Re-entrancy.</b> An owner that already holds the lock gets another handle at once, without a
 * round trip. The owner is the calling thread for blocking methods unless {@link LeaseOptions} names
 * one; asynchronous acquisitions are not re-entrant unless given an owner.
 *
 * <p><b>Cost.</b> An uncontended acquire and release take one round trip each; no thread is created
 * per lock.
 */
public interface DistributedLock {

    /** The lock's name. */
    String name();

    /**
     * Waits up to the {@link Warden}'s default wait for the lock, with default lease options.
     *
     * @throws LockTimeoutException if not acquired in time
     * @throws InterruptedException if interrupted while waiting; nothing is left behind
     */
    Lease acquire() throws InterruptedException;

    /**
     * Waits up to {@code wait} for the lock, with default lease options (watchdog on).
     *
     * @param wait how long to wait; {@link Duration#ZERO} tries once
     * @throws LockTimeoutException if not acquired in time; it names the holder when known
     * @throws InterruptedException if interrupted while waiting; nothing is left behind
     * @throws RedisUnavailableException if Redis was still unavailable (unreachable, timing out,
     *     loading, read-only) when the wait ended: a waiter tries again after its backoff until then,
     *     and a zero wait fails after one attempt; or at once for errors that do not pass by
     *     themselves (authentication, permissions)
     * @throws LockKeyConflictException if the lock's key holds data Warden did not write
     * @throws IllegalArgumentException if {@code wait} is negative
     */
    Lease acquire(Duration wait) throws InterruptedException;

    /** As {@link #acquire(Duration)}, with explicit lease options. */
    Lease acquire(Duration wait, LeaseOptions options) throws InterruptedException;

    /**
     * Tries once, without waiting, with default lease options.
     *
     * @return the lease, or empty if another owner holds the lock
     */
    Optional<Lease> tryAcquire();

    /** As {@link #tryAcquire()}, with explicit lease options. */
    Optional<Lease> tryAcquire(LeaseOptions options);

    /**
     * Acquires without blocking the caller. The future completes on Warden's callback executor with
     * the lease, or exceptionally with the errors {@link #acquire(Duration)} throws. Cancelling the
     * future withdraws the waiter; a lease acquired concurrently with the cancellation is released.
     * Not re-entrant unless the options name an owner.
     */
    CompletableFuture<Lease> acquireAsync(Duration wait);

    /** As {@link #acquireAsync(Duration)}, with explicit lease options. */
    CompletableFuture<Lease> acquireAsync(Duration wait, LeaseOptions options);

    /** True if the calling thread holds the lock through this {@link Warden}. No round trip. */
    boolean isHeldByCurrentThread();

    /**
     * Acquires (waiting up to {@code wait}, watchdog on), runs {@code task}, and releases.
     *
     * @throws LeaseLostException if the lease was lost while the task ran; by default the task's
     *     thread was interrupted (see {@link Warden.Builder#lossPolicy})
     * @throws LockTimeoutException if not acquired in time
     */
    void runLocked(Duration wait, Runnable task) throws InterruptedException;

    /**
     * Acquires (waiting up to {@code wait}, watchdog on), runs {@code task}, releases, and returns its
     * result. The task's exceptions propagate unchanged (after the release).
     *
     * @throws LeaseLostException if the lease was lost while the task ran; it carries the task's own
     *     outcome
     * @throws LockTimeoutException if not acquired in time
     */
    <T extends @Nullable Object, E extends Exception> T callLocked(Duration wait, CriticalSection<T, E> task)
            throws E, InterruptedException;

    /**
     * A {@link Lock} view for code written against {@code java.util.concurrent.locks}: owned by
     * threads, re-entrant, watchdog on. {@code lock()} waits without limit and keeps the interrupt
     * flag; {@code unlock()} by a thread that does not hold it throws {@link
     * IllegalMonitorStateException}; {@code newCondition()} is unsupported.
     */
    Lock asJavaLock();
}
