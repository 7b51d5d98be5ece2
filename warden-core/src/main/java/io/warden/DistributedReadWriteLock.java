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
 *   <li><b>Writer preference.</b> A writer waiting behind readers leaves a marker with its own short
 *       lease (3 s, or the lease time if shorter), refreshed while it waits: new readers wait behind
 *       it, so a writer gets in once the readers already inside have left, and a stream of readers
 *       cannot starve it. The price: writers that keep coming one after another keep readers out for as
 *       long. A writer that dies while waiting holds readers back until its marker
 *       expires, at most that long. A writer that does not wait ({@code tryAcquire}) leaves no marker.
 *       Writers among themselves, and readers waiting behind a writer, are not ordered across
 *       processes; within one process, writers queue in FIFO order.
 *   <li><b>Downgrade.</b> An owner that holds the write lease may take a read lease (it is granted
 *       despite the writer, who is itself), then release the write lease: no other writer can get in
 *       between.
 *   <li><b>No upgrade.</b> Asking for the write lock while holding the read lock (same owner, same
 *       {@link Warden}) fails at once with {@link IllegalStateException}: two readers upgrading would
 *       wait for each other for ever. Release the read lease first.
 *   <li><b>Fencing.</b> Every read and write acquisition gets a token from one counter per name, so a
 *       resource can order writes after the reads that preceded them.
 *   <li>Waiters are woken by release messages: a waiting writer when the last reader leaves (or any
 *       reader while it waits), readers when the writer or a waiting writer's marker leaves.
 * </ul>
 *
 * <p><b>Not guaranteed.</b> Upgrade and downgrade are recognised only for the same owner through the
 * same {@link Warden} (asynchronous acquisitions without an explicit owner have none). A read-write
 * lock and a plain lock of the same name are distinct locks that do not exclude each other. Redlock
 * is not supported: {@link Warden#readWriteLock} refuses it.
 *
 * <p><b>Cost.</b> A read or write acquire and a release take one round trip each; a writer's acquire
 * re-checks only the readers whose recorded expiry has passed (no background sweeper), so its cost
 * does not grow with the number of live readers.
 */
public interface DistributedReadWriteLock {

    /** The lock's name. */
    String name();

    /** The shared side: any number of read leases at once, none while a write lease is held. */
    DistributedLock readLock();

    /** The exclusive side: one write lease at a time, none while read leases are held. */
    DistributedLock writeLock();
}
