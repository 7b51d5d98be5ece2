package io.warden;

/**
 * Permits of a {@link DistributedSemaphore}, held as one lease: everything a {@link Lease} does
 * (owner-checked release, watchdog renewal batched with lock renewals, an early and loud loss
 * signal, a fencing token per acquisition when fencing is on) applies to it. {@link #lockName()} is
 * the semaphore's name.
 *
 * <p><b>Guarantees.</b> While {@link #isHeld()} is true, the permits are counted as taken on the
 * server, and at most the semaphore's limit of units are held at once by live holders. A holder
 * that dies frees its units when its lease expires (no background sweeper: the next acquisition
 * notices). A holder paused past its lease is told it lost the permits ({@link #onLost}) and its
 * units may be held by others: as with locks, only the fencing token protects a resource from a
 * holder waking from a pause.
 *
 * <p><b>Not guaranteed.</b> Permits are not re-entrant: every acquisition is a new permit, so a
 * thread that asks twice holds two. A failover that loses recent writes may forget permits (see
 * {@code docs/topologies.md}).
 */
public interface Permit extends Lease {

    /** How many of the semaphore's permits this lease holds (1 unless acquired with more). */
    int units();
}
