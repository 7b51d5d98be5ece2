package io.warden;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One holder's claim on a lock, for a limited time. Obtained from {@link DistributedLock}; released
 * with {@link #release()} or {@link #close()} (try-with-resources).
 *
 * <p><b>Guarantees.</b> While {@link #isHeld()} is true, the lock's key in Redis carries this lease's
 * owner token and has not expired by the client's conservative reckoning: validity is measured on
 * the monotonic clock from the moment the acquire (or last confirmed renewal) was <em>sent</em>,
 * minus a drift allowance. Release and extension are owner-checked in one atomic script: they never
 * touch a key that another owner holds. When a lease is lost (renewal found the key gone or taken,
 * no renewal was confirmed in time, or a fixed lease ran out), {@link #isHeld()} turns false first,
 * then {@link #onLost} listeners run and {@link #lostFuture()} completes.
 *
 * <p><b>Not guaranteed.</b> A lease cannot stop a holder that is paused (GC, SIGSTOP, VM migration)
 * past its lease from acting afterwards: pass {@link #fencingToken()} to the resource you protect
 * and let it refuse stale tokens. Redis replication is asynchronous: a failover can lose a lease
 * (see docs/guarantees.md).
 *
 * <p>Re-entrant acquisitions by the same owner return distinct {@code Lease} handles that share one
 * Redis lease; each handle is released once, and only the last release reaches Redis. Handles are
 * thread-safe.
 */
public interface Lease extends AutoCloseable {

    /** The lock's name. */
    String lockName();

    /**
     * A number strictly greater than every token issued before for this lock name, minted
     * atomically with the acquisition and kept across releases and expiry. Re-entrant holds share
     * their outer acquisition's token. By default it is floored by the Redis server's clock, so it
     * stays greater even after Redis lost its data; {@link FencingTokens} says under which
     * conditions, and how to get small tokens instead.
     *
     * @throws IllegalStateException if fencing tokens are disabled for this {@link Warden}
     */
    long fencingToken();

    /** True while the lease is held: not released, not expired, not lost. Costs no round trip. */
    boolean isHeld();

    /** Lease time left by the client's conservative estimate; {@link Duration#ZERO} once not held. */
    Duration remaining();

    /** True when the watchdog keeps this lease alive. */
    boolean isWatched();

    /**
     * Sets the lease's remaining time on the server to {@code leaseTime} from now, owner-checked.
     * A lease with a maximum hold time is never extended past it.
     *
     * @throws LeaseNotHeldException if the lease is no longer held (it is then reported lost)
     * @throws RedisUnavailableException if Redis did not confirm within the command timeout
     * @throws IllegalArgumentException if {@code leaseTime} is not positive
     */
    void extend(Duration leaseTime);

    /**
     * Registers a listener told when the lease is lost (never when it is released normally). Runs
     * on Warden's callback executor, never on its scheduler; exceptions are logged and contained. A
     * listener registered after the loss runs at once (asynchronously).
     */
    void onLost(Consumer<LeaseLostEvent> listener);

    /** Completes with the loss event if the lease is lost; never completes if it is released normally. */
    CompletionStage<LeaseLostEvent> lostFuture();

    /** The loss event, once the lease was lost. */
    Optional<LeaseLostEvent> lostEvent();

    /** Why the lease was lost, once it was. */
    default Optional<LossCause> lostCause() {
        return lostEvent().map(LeaseLostEvent::cause);
    }

    /**
     * Releases this handle. The last handle of an acquisition deletes the key, owner-checked, and
     * wakes waiters; the call waits for Redis to confirm (even when the thread is interrupted, whose
     * interrupt flag is kept). Local state is dropped only after Redis confirmed.
     *
     * @throws LeaseNotHeldException if this handle was already released, or the lease had expired or
     *     was lost (the reason says which); nothing of another owner is touched
     * @throws RedisUnavailableException if Redis did not confirm: the outcome is unknown (the
     *     release may or may not have run). The lease is no longer held from then on: {@link
     *     #isHeld()} is false, the same owner's next acquisition goes to Redis, and the watchdog
     *     stops renewing it. The release may be retried; a retry that finds the key gone or taken
     *     counts as released. Otherwise the key expires on its own.
     */
    void release();

    /**
     * Releases this handle but keeps the lock taken for {@code keepLockedFor} more: the last handle of
     * an acquisition sets the key's TTL to {@code keepLockedFor} (owner-checked, one script) instead
     * of deleting it, so that no other owner can acquire the lock until then. For "at least this long"
     * holds such as a task lock's {@code lockAtLeastFor}. Zero is the same as {@link #release()}.
     *
     * <p><b>Guarantees.</b> Like {@link #release()}: the call waits for Redis, never touches another
     * owner's key, and afterwards this lease is not held ({@link #isHeld()} is false, the watchdog
     * stops, a local re-entrant acquisition goes to Redis and finds the lock taken). The key is kept
     * for {@code keepLockedFor} from when Redis ran the release, but never past a {@link
     * LeaseOptions#withMaxHold maximum hold}: with less than 1 ms of it left, the key is deleted.
     *
     * <p><b>Not guaranteed.</b> Nobody is notified when the kept key expires: waiters in other
     * processes are woken at its TTL, not by a release message. Releasing an inner re-entrant handle
     * only drops that hold; {@code keepLockedFor} applies to the last one. The kept key cannot be
     * released early through this lease (it is no longer held); it expires on its own.
     *
     * @param keepLockedFor zero, or between {@link LeaseOptions#MIN_LEASE_TIME 1 ms} and {@link
     *     LeaseOptions#MAX_LEASE_TIME 3650 days}
     * @throws NullPointerException if {@code keepLockedFor} is null
     * @throws IllegalArgumentException if {@code keepLockedFor} is negative, positive but under 1 ms,
     *     or over 3650 days; the message names the lock. Nothing is released then.
     * @throws LeaseNotHeldException as {@link #release()}
     * @throws RedisUnavailableException as {@link #release()}: the outcome is unknown, the lease is not
     *     held, and the release (with the same keep time) may be retried
     */
    void release(Duration keepLockedFor);

    /**
     * {@link #release()} without blocking a thread: the returned future completes when Redis
     * confirmed, or fails with the exceptions {@link #release()} throws.
     */
    CompletableFuture<Void> releaseAsync();

    /** Same as {@link #release()}. */
    @Override
    void close();
}
