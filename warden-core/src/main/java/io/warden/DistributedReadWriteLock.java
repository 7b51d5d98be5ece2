package io.warden;

/**
 * A named read-write lock shared through Redis: many readers at once, or one writer. A cheap handle:
 * creating one does no I/O. Each side is a {@link DistributedLock}, so {@code acquire}, {@code
 * tryAcquire}, {@code acquireAsync}, {@code callLocked}, {@code asJavaLock} and re-entrancy work as
 * for a plain lock.
 *
 * <p><b>Guarantees.</b> While a write lease is held no read lease is granted, and the other way
 * round, except to the writer itself (a downgrade, below); at most one write lease at a time. These
 * hold as long as Redis keeps its data and no holder is paused past its lease, as for a plain lock.
 * <ul>
 *   <li><b>Each reader holds its own lease</b>, with its own key, TTL and watchdog renewal: a reader
 *       that dies frees its share when its own lease ends, whatever the other readers do. (Locks
 *       whose readers all refresh one TTL keep a dead reader's share until the last reader leaves.)
 *   <li><b>Phase-fair: neither side starves.</b> Reads and writes take turns. A writer that must
 *       wait leaves a marker that keeps new readers out, with its own short lease (3 s, or the lease
 *       time if shorter) refreshed while it waits. When a write lease ends (released or expired), the
 *       readers that were already waiting for it enter before the next writer, even if another writer
 *       waits; readers that arrive while a writer waits for readers go after that writer. So a writer
 *       waits at most for the readers inside and one admitted batch (after any writer ahead of it),
 *       and a waiting reader at most for the read phase under way and one write hold: neither a
 *       stream of readers nor a stream of writers starves the other side.
 *   <li><b>Dead waiters hold nobody back for long.</b> A waiting reader registers with its own short
 *       lease (3 s, or the lease time if shorter), refreshed by its attempts; the next writer waits
 *       for an admitted reader only until its registration lapses, so a reader that dies while
 *       waiting, or is admitted and never comes, holds writers back at most 3 s after its last
 *       attempt. A writer that dies while waiting holds readers back until its marker expires, at
 *       most as long. An acquisition that gives up takes its marker or registration away at once; one
 *       that does not wait ({@code tryAcquire}) leaves neither: such a reader is refused while a writer
 *       waits, and such a writer while admitted readers are still to come.
 *   <li><b>Downgrade.</b> An owner that holds the write lease may take a read lease (it is granted
 *       despite the writer, who is itself), then release the write lease: no other writer can get in
 *       between.
 *   <li><b>No upgrade.</b> Asking for the write lock while holding the read lock (same owner, same
 *       {@link Warden}) fails at once with {@link IllegalStateException}: two readers upgrading would
 *       wait for each other for ever. Release the read lease first.
 *   <li><b>Fencing.</b> Every read and write acquisition gets a token from one counter per name, so a
 *       resource can order writes after the reads that preceded them.
 *   <li>Waiters are woken by release messages, readers and writers on channels of their own, every
 *       waiter of a {@link Warden} on that side by each message: waiting writers when the last
 *       reader leaves (or an admitted reader gives up), readers and writers when the writer or a
 *       waiting writer's marker leaves; and at the latest by their own timers (a third of the
 *       marker's or registration's lease), which also covers a lease that expired without a
 *       message.
 * </ul>
 *
 * <p><b>Not guaranteed.</b> Writers among themselves are not ordered across processes (within one
 * process they queue in FIFO order), nor are the readers of one phase. A reader whose registration
 * lapsed (its attempts stopped for its lease: a long pause, a machine too loaded to run its timers),
 * or whose grant's reply was lost (the grant used its admission up), waits as a reader arriving
 * then. Upgrade and downgrade are recognised only for the same owner through the
 * same {@link Warden} (asynchronous acquisitions without an explicit owner have none). A read-write
 * lock and a plain lock of the same name are distinct locks that do not exclude each other. Redlock
 * is not supported: {@link Warden#readWriteLock} refuses it.
 *
 * <p><b>Cost.</b> A read or write acquire and a release take one round trip each; a writer's acquire
 * re-checks only the readers whose recorded expiry has passed (no background sweeper), so its cost
 * does not grow with the number of live readers. Registrations add a few commands inside the
 * scripts, no round trip; a writer's grant moves the readers that waited behind it, one command
 * per 500 of them.
 */
public interface DistributedReadWriteLock {

    /** The lock's name. */
    String name();

    /** The shared side: any number of read leases at once, none while a write lease is held. */
    DistributedLock readLock();

    /** The exclusive side: one write lease at a time, none while read leases are held. */
    DistributedLock writeLock();
}
