package io.warden;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * Runs a job on exactly one node at a time and skips it everywhere else: for scheduled jobs that
 * every instance of a service fires (a nightly report, a cache rebuild, a queue sweep).
 *
 * <pre>{@code
 * TaskLock report = warden.task("nightly-report")
 *         .lockAtMostFor(Duration.ofMinutes(10))
 *         .lockAtLeastFor(Duration.ofSeconds(30));
 * TaskResult<Report> r = report.runIfFree(() -> buildReport());
 * if (!r.executed()) log.info("another node ran it; held by {}", r.holder());
 * }</pre>
 *
 * <p><b>Guarantees.</b> A node that does not get the lock never touches it: skipping leaves the
 * holder's key as it is. While the task runs, the watchdog keeps the lease alive (unless turned
 * off), but never past {@code lockAtMostFor} from the start; a task still running then loses the
 * lease ({@link LossCause#MAX_HOLD_REACHED}), is interrupted by default, and the call ends with
 * {@link LeaseLostException}. On completion the lock is kept until {@code lockAtLeastFor} has passed
 * since the start (owner-checked, one script), so nodes whose schedules fire a little later still
 * skip. The task's exceptions propagate unchanged after the (owner-checked) release.
 *
 * <p><b>Not guaranteed.</b> "Exactly once per schedule" holds only if every node fires within
 * {@code lockAtLeastFor} of the first; a node firing later runs the task again. Like any lease, a
 * pause past the lease on the holder can let a second node in: use {@link Lease#fencingToken()}
 * through {@link #runIfFree} tasks that write to fenced resources.
 *
 * <p>Immutable: the configuration methods return a new task lock. Thread-safe.
 */
public interface TaskLock {

    /** The lock's name. */
    String name();

    /**
     * Upper bound on how long one run holds the lock, even if the holder hangs. Default 30 minutes.
     * At least {@link LeaseOptions#MIN_LEASE_TIME 1 ms}, at most {@link LeaseOptions#MAX_LEASE_TIME
     * 3650 days} (ten years: a safe margin below where nanosecond deadline arithmetic and Redis
     * PEXPIRE math overflow).
     *
     * @throws NullPointerException if {@code lockAtMostFor} is null
     * @throws IllegalArgumentException if under 1 ms (including zero and negative), over 3650 days, or
     *     below an explicit {@link #lockAtLeastFor(Duration) minimum hold}; the message names the lock
     */
    TaskLock lockAtMostFor(Duration lockAtMostFor);

    /**
     * Minimum time the lock stays held from the start of a run, even if the task finishes sooner.
     * Default zero (release at once). Zero, or between {@link LeaseOptions#MIN_LEASE_TIME 1 ms} and
     * {@link LeaseOptions#MAX_LEASE_TIME 3650 days}.
     *
     * @throws NullPointerException if {@code lockAtLeastFor} is null
     * @throws IllegalArgumentException if negative, positive but under 1 ms, over 3650 days, or above
     *     an explicit {@link #lockAtMostFor(Duration) maximum hold}; the message names the lock
     */
    TaskLock lockAtLeastFor(Duration lockAtLeastFor);

    /**
     * With the watchdog (default) the lease is renewed while the task runs, up to {@code
     * lockAtMostFor}; without it, the lease is simply {@code lockAtMostFor} long.
     */
    TaskLock watchdog(boolean enabled);

    /** What happens to the task's thread when the lease is lost. Default: the Warden's policy. */
    TaskLock lossPolicy(LossPolicy policy);

    /** Level of the "started / skipped / finished" log lines. Default INFO. */
    TaskLock logLevel(Level level);

    /** A listener told of each run's events; its exceptions are logged and contained. */
    TaskLock listener(TaskListener listener);

    /**
     * Starts a run if the lock is free, without waiting, and hands it back for the caller to {@link
     * RunningTask#finish() finish}: for callers that cannot pass the task as a callback. The run holds
     * the lock under this task lock's settings ({@code lockAtMostFor}, {@code lockAtLeastFor},
     * watchdog, listener, log level); a run that is never finished frees the lock after {@code
     * lockAtMostFor} at the latest. Not re-entrant: a second {@code tryStart} while a run holds the
     * lock, from any thread, returns empty. A node that does not get the lock never touches it.
     *
     * @return the run, or empty if another run holds the lock (the listener is told who, when known)
     * @throws RedisUnavailableException if Redis could not be asked; no run started
     * @throws LockKeyConflictException if the lock's key holds data Warden did not write
     */
    Optional<RunningTask> tryStart();

    /**
     * Runs {@code task} if the lock is free, without waiting.
     *
     * @return whether it ran, its value, or who held the lock
     * @throws LeaseLostException if the lease was lost while the task ran
     * @throws RedisUnavailableException if Redis could not be asked; the task did not run
     * @throws E the task's own exception, unchanged
     */
    <T extends @Nullable Object, E extends Exception> TaskResult<T> runIfFree(CriticalSection<T, E> task) throws E;

    /**
     * Runs {@code task} if the lock is free, without waiting.
     *
     * @return true if it ran
     */
    boolean runIfFree(Runnable task);

    /**
     * Waits up to {@code wait} for the lock (woken by release notifications, never polling), then
     * runs {@code task}; if still held after {@code wait}, skips and returns who held it.
     */
    <T extends @Nullable Object, E extends Exception> TaskResult<T> runWhenFree(
            Duration wait, CriticalSection<T, E> task) throws E, InterruptedException;

    /**
     * Checks that the calling thread runs inside a task lock run whose lease is still held: for code
     * that must only ever run under the lock (catches wiring mistakes in tests).
     *
     * @throws IllegalStateException if not
     */
    static void assertHeld() {
        io.warden.internal.RunningTasks.assertHeld();
    }
}
