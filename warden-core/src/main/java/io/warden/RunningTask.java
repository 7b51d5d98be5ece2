package io.warden;

import java.time.Duration;

/**
 * One run of a {@link TaskLock} on this node, started with {@link TaskLock#tryStart()} and ended
 * with {@link #finish()}: for callers that cannot hand the task over as a callback (a scheduler's
 * before/after hooks, asynchronous jobs, ShedLock's {@code LockProvider}). {@link
 * TaskLock#runIfFree} runs on the same handle.
 *
 * <pre>{@code
 * Optional<RunningTask> run = warden.task("import").lockAtMostFor(Duration.ofMinutes(5)).tryStart();
 * if (run.isPresent()) {
 *     importer.start(run.get().lease().fencingToken())
 *             .whenComplete((ok, error) -> run.get().finish());
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> While the run's {@link #lease()} is held, no other owner holds the task's
 * lock. The lock is held at most {@code lockAtMostFor} from the start (or from the last {@link
 * #extend}), even if this node dies or never calls {@link #finish()}. {@link #finish()} keeps the lock
 * until {@code lockAtLeastFor} has passed since the start (or the last {@link #extend}), owner-checked,
 * then it expires on its own. Thread-safe: any thread may extend or finish.
 *
 * <p><b>Not guaranteed.</b> Nothing stops the work itself when the lease is lost: watch {@link
 * Lease#onLost} or {@link Lease#isHeld()}, or pass {@link Lease#fencingToken()} to the resource.
 * {@link TaskLock#assertHeld()} only works inside {@link TaskLock#runIfFree}/{@link
 * TaskLock#runWhenFree}, which know the running thread. Release the run through {@link #finish()},
 * not through {@link #lease()}: {@link Lease#release()} frees the lock at once, without {@code
 * lockAtLeastFor}.
 */
public interface RunningTask {

    /** The task lock's name. */
    String name();

    /** The lease that holds the task's lock: its fencing token, whether it is held, its loss signal. */
    Lease lease();

    /**
     * Moves both bounds of this run to count from now: the lock is held at most {@code lockAtMostFor}
     * from now (without the watchdog the key's TTL becomes {@code lockAtMostFor}; with it, renewals
     * go no further), and {@link #finish()} keeps it until at least {@code lockAtLeastFor} from now.
     * The new maximum may be shorter than the old one. Owner-checked, one round trip.
     *
     * @param lockAtMostFor between {@link LeaseOptions#MIN_LEASE_TIME 1 ms} and {@link
     *     LeaseOptions#MAX_LEASE_TIME 3650 days}
     * @param lockAtLeastFor zero, or between 1 ms and {@code lockAtMostFor}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument is out of range or {@code lockAtLeastFor} exceeds
     *     {@code lockAtMostFor}; the message names the lock, and nothing was sent
     * @throws LeaseNotHeldException if the run was finished or its lease is no longer held (then it is
     *     reported lost); nothing of another owner is touched
     * @throws RedisUnavailableException if Redis did not confirm: the extension may or may not have run.
     *     The run keeps its old bounds (or the new maximum, if shorter) and stays held only as long as
     *     its confirmed lease lasts; the extension may be retried
     */
    void extend(Duration lockAtMostFor, Duration lockAtLeastFor);

    /**
     * Ends the run: keeps the lock until {@code lockAtLeastFor} has passed since the start (or the last
     * {@link #extend}), or frees it at once if that time has passed; owner-checked, waits for Redis.
     * Tells the task lock's listener and log that the run finished.
     *
     * @throws LeaseNotHeldException if the run was already finished, or its lease was lost (the reason
     *     says which); nothing of another owner is touched
     * @throws RedisUnavailableException if Redis did not confirm: the outcome is unknown, the lease is
     *     not held, and {@code finish()} may be called again; otherwise the key expires on its own
     */
    void finish();
}
