/**
 * Warden: distributed locks on Redis with owner-checked leases, a batched watchdog, fencing tokens
 * and an early loss signal. This package is the whole API; {@code io.warden.internal} is not
 * exported and may change in any release.
 *
 * <h2>Map</h2>
 *
 * <ul>
 *   <li><b>Start here:</b> {@link io.warden.Warden} (built with {@code Warden.builder()}) connects
 *       to a Redis server, Sentinel group, Cluster or Redlock group, and hands out locks.
 *   <li><b>Locks:</b> {@link io.warden.DistributedLock} acquires (blocking, timed, non-blocking,
 *       asynchronous) with {@link io.warden.LeaseOptions}, and runs guarded code with {@code
 *       callLocked}/{@code runLocked} ({@link io.warden.CriticalSection}). An acquisition yields a
 *       {@link io.warden.Lease}: {@code isHeld()}, {@code fencingToken()}, {@code extend},
 *       {@code release}/{@code releaseAsync} (or {@code release(keepLockedFor)}, which keeps the lock
 *       taken a while longer), and the loss signal ({@code onLost}, {@code
 *       lostFuture}, {@link io.warden.LeaseLostEvent}, {@link io.warden.LossCause}).
 *   <li><b>Scheduled jobs:</b> {@link io.warden.TaskLock} runs a task on one node and skips it
 *       elsewhere (lockAtMostFor, lockAtLeastFor), reporting a {@link io.warden.TaskResult} and
 *       telling a {@link io.warden.TaskListener}; {@code tryStart()} hands out the run as a {@link
 *       io.warden.RunningTask} (extend, finish) for callers that cannot pass a callback.
 *   <li><b>Operators:</b> {@link io.warden.LockAdmin} inspects, lists and force-unlocks ({@link
 *       io.warden.LockInfo}, {@link io.warden.HolderInfo}); {@link io.warden.WardenMetrics} counts;
 *       a {@link io.warden.WardenListener} added to a running Warden is told of each event
 *       ({@link io.warden.AcquireOutcome}, waits, holds, losses, renewals, task runs) for metrics.
 *   <li><b>Policies:</b> {@link io.warden.Backoff} bounds waits when release messages are lost;
 *       {@link io.warden.LossPolicy} says what a guarded call does when its lease is lost.
 *   <li><b>Errors:</b> all unchecked, under {@link io.warden.WardenException}, each naming the lock
 *       and the Redis address: {@link io.warden.LockTimeoutException}, {@link
 *       io.warden.LeaseNotHeldException}, {@link io.warden.LeaseLostException}, {@link
 *       io.warden.RedisUnavailableException} (the outcome may be unknown: see each method), {@link
 *       io.warden.LockKeyConflictException} (a key holds data Warden did not write; nothing was
 *       changed).
 * </ul>
 *
 * <p>What is guaranteed, under which conditions, and which test proves each claim:
 * {@code docs/guarantees.md}. The rule for uncertain outcomes: a lease whose outcome is unknown is
 * never held, and every operation is safe to repeat with the same owner token.
 */
@NullMarked
package io.warden;

import org.jspecify.annotations.NullMarked;
