package io.warden;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Leader election among the processes that use the same name and key prefix: at most one candidate
 * is leader at a time, and it is told when it stops being one, before any other candidate can be
 * elected. Obtained from {@link Warden#leader(String)}. Built on a {@link DistributedLock} of the same
 * name: the leader holds its lease, kept alive by the watchdog.
 *
 * <pre>{@code
 * LeaderElection election = warden.leader("billing-scheduler");
 * election.start(new LeaderListener() {
 *     public void onElected(LeaderTerm term) { scheduler.resume(term.fencingToken()); }
 *     public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) { scheduler.pause(); }
 * });
 * ...
 * election.close(); // resigns if leader, stops campaigning
 * }</pre>
 *
 * <p><b>Guarantees.</b> A started candidate campaigns until it is closed: it waits for the lock
 * (woken by the release message when a leader resigns, or at the leader's TTL when it died), and
 * after losing or resigning a term it campaigns again. Each term carries a {@link
 * LeaderTerm#fencingToken() fencing token}, strictly greater than every earlier term's, for the
 * resources the leader writes. A term ends for its leader when its lease is lost by Warden's
 * reckoning ({@link Lease#isHeld()}), which is before the lease can expire on the server, so
 * {@link LeaderListener#onRevoked} is called, and {@link #isLeader()} is false, before another
 * candidate can be elected, as long as the callback executor has a free thread and the leader's
 * clock runs at most the drift allowance fast. {@link #isLeader()} costs no round trip: it reads
 * the monotonic clock against the lease's validity. Callbacks run on Warden's callback executor,
 * never on Redis client threads; a slow {@code onElected} never delays renewal.
 *
 * <p><b>Not guaranteed.</b> A leader that is paused (GC, SIGSTOP) past its lease, or cut off from
 * Redis, may act after another leader was elected, before it runs again and learns that it lost:
 * pass the term's fencing token to what the leader writes. There is no fairness between
 * candidates. Redis replication is asynchronous: a failover can lose the leader's lease (see
 * docs/guarantees.md). A lock key deleted behind the leader's back (an operator's force-unlock)
 * lets another candidate in before the leader's next renewal tells it. {@link #currentLeader()} is a snapshot that may be out of date at once.
 *
 * <p>Thread-safe. One election object is one candidate; create one per process and name.
 */
public interface LeaderElection extends AutoCloseable {

    /** The election's name (also the name of its lock). */
    String name();

    /**
     * Starts campaigning, telling {@code listener} of every term this candidate wins and loses.
     * Returns at once.
     *
     * @throws IllegalStateException if already started, or closed
     */
    void start(LeaderListener listener);

    /** True while this candidate is the leader: its current term's lease is held. No round trip. */
    boolean isLeader();

    /** This candidate's current term, while it is the leader. */
    Optional<LeaderTerm> currentTerm();

    /**
     * Waits until this candidate is the leader, or the timeout passes.
     *
     * @return true if it is the leader when this returns
     * @throws IllegalStateException if not started
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitLeadership(Duration timeout) throws InterruptedException;

    /**
     * Gives up the current term at once, if this candidate is the leader: {@link
     * LeaderListener#onRevoked} runs on the calling thread, then the lease is released and the
     * release message wakes the other candidates. This candidate campaigns again only after {@code
     * holdOff}, so that another candidate takes over; with no other candidate it is elected again
     * then. Does nothing when not leader.
     *
     * @throws RedisUnavailableException if Redis did not confirm the release: the term is over for
     *     this candidate all the same, and the lease expires on its own if the release did not run
     */
    void resign(Duration holdOff);

    /** {@link #resign(Duration)} with a hold-off of one second. */
    default void resign() {
        resign(Duration.ofSeconds(1));
    }

    /**
     * Who is the leader now, by asking Redis (one round trip); the holder's fencing token is its
     * term's token.
     *
     * @return the leader, or empty if there is none right now
     */
    Optional<HolderInfo> currentLeader();

    /**
     * Waits up to {@code wait} to become the leader, runs {@code task} on the calling thread while
     * leader, and resigns when it returns. If the term is lost while the task runs, the task's
     * thread is handled as the {@link Warden.Builder#lossPolicy loss policy} says (interrupted by
     * default) and {@link LeaseLostException} is thrown after it returns. For a candidate that is not
     * {@link #start started}; a started one is told of its terms through its listener.
     *
     * @throws LockTimeoutException if this candidate was not elected in time
     * @throws LeaseLostException if the term was lost while the task ran
     * @throws IllegalStateException if this candidate was started, or closed
     * @throws InterruptedException if interrupted while waiting to be elected
     */
    <T extends @Nullable Object, E extends Exception> T runAsLeader(Duration wait, CriticalSection<T, E> task)
            throws E, InterruptedException;

    /**
     * Stops campaigning and, if leader, ends the term as {@link #resign} does ({@link
     * LeaderListener#onRevoked} on the calling thread, then the release). Idempotent, and never throws for Redis: a release that
     * Redis did not confirm leaves the lock to expire with its lease. Closing the {@link Warden} also ends every term, with the
     * loss cause {@link LossCause#WARDEN_CLOSED}.
     *
     * <p>The campaign is withdrawn and leaves nothing behind, even when its attempt's reply arrives after the close: unless
     * another candidate of this Warden still campaigns for the name, its release-channel subscription is dropped about a
     * second later.
     */
    @Override
    void close();
}
