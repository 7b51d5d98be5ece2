package io.warden;

import java.time.Duration;

/**
 * Told of one {@link Warden}'s lock events as they happen, with the figures a metrics library
 * needs: how acquisitions ended and how long they waited, how long leases were held, losses,
 * renewals and task runs. Register with {@link Warden#addListener}, on a Warden already in use;
 * remove with {@link Warden#removeListener}. Every method has an empty default.
 *
 * <p><b>Threads: keep it cheap, never block.</b> Methods are called synchronously, on the thread
 * where the event happened: a caller's thread, Warden's scheduler thread (renewals, deadlines), or
 * a Redis client I/O thread (most replies: acquisitions, releases, losses). A method that blocks,
 * does I/O or waits for a lock stalls every Redis command of that Warden meanwhile; blocking Warden
 * calls made there are refused. Updating a counter or a timer is the intended use; hand anything
 * slower to an executor of your own.
 *
 * <p><b>Guarantees.</b> A listener is told of events that happen after {@link Warden#addListener}
 * returned and before {@link Warden#removeListener} did; events in flight during either call may or
 * may not reach it. Each event is told once per registered listener, after the state change it
 * reports (a lease is already held, released or lost). An exception a method throws is caught and
 * logged (the first one of each listener with its stack trace, later ones at debug level): it never
 * changes the outcome of a lock operation, and the other listeners are still told. No ordering is
 * promised between events of different locks or threads.
 *
 * <p><b>Not</b> a replacement for {@link Lease#onLost}: a lease's holder learns of its own loss there
 * (on the callback executor); this listener sees every lease of the Warden, for counting.
 */
public interface WardenListener {

    /**
     * An acquisition ended. Re-entrant holds are not reported.
     *
     * @param lock the lock's name
     * @param outcome how it ended
     * @param waited from the call to its end, on the monotonic clock (local queueing included)
     */
    default void onAcquire(String lock, AcquireOutcome outcome, Duration waited) {}

    /**
     * A lease was released by its holder and Redis confirmed it (the last hold of a re-entrant
     * lease). A release whose outcome is unknown is not reported here.
     *
     * @param lock the lock's name
     * @param held from the acquiring command's send to the release's confirmation
     */
    default void onRelease(String lock, Duration held) {}

    /**
     * A lease was lost: no longer held although its holder did not release it, or Warden was
     * closed while it was held ({@link LossCause#WARDEN_CLOSED}).
     */
    default void onLeaseLost(LeaseLostEvent event) {}

    /** The watchdog sent a renewal of a lease on {@code lock} (told once per lease per renewal). */
    default void onRenewalSent(String lock) {}

    /**
     * A watchdog tick sent renewals; their calls were pipelined, so a tick costs about one round trip
     * per Redis node.
     *
     * @param renewals how many leases the tick renewed
     */
    default void onRenewalRoundTrip(int renewals) {}

    /** A {@link TaskLock} got its lock and is about to run {@code task} on this node. */
    default void onTaskRun(String task) {}

    /** A {@link TaskLock} skipped {@code task}: another owner held its lock. */
    default void onTaskSkipped(String task) {}
}
