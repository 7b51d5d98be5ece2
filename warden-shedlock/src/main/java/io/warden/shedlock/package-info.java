/**
 * ShedLock on Warden: {@link io.warden.shedlock.WardenLockProvider}, a ShedLock {@code
 * LockProvider} and {@code ExtensibleLockProvider} that replaces ShedLock's Redis providers by
 * swapping one bean.
 *
 * <h2>What stays as in ShedLock</h2>
 *
 * <ul>
 *   <li>{@code lockAtMostFor} is an upper bound, even if the node dies: by default the key's TTL is
 *       exactly {@code lockAtMostFor}, as with ShedLock's Redis providers.
 *   <li>Unlocking before {@code lockAtLeastFor} keeps the lock until {@code lockAtLeastFor} has
 *       passed since it was taken.
 *   <li>{@code LockExtender.extendActiveLock(lockAtMostFor, lockAtLeastFor)} moves both bounds to count
 *       from the extension.
 *   <li>{@code lock} never waits: a node that finds the lock taken skips the task.
 * </ul>
 *
 * <p>ShedLock's own provider contract suite ({@code shedlock-test-support}), fuzz test included,
 * runs against this provider on a real Redis in every build, with one exception: its test that
 * takes a lock for 2 ms, which Warden refuses (see below).
 *
 * <h2>What Warden adds</h2>
 *
 * <ul>
 *   <li><b>Owner-checked unlock and extend.</b> A node whose lock expired (its task outlived {@code
 *       lockAtMostFor}) never deletes or extends the lock that another node took since; ShedLock's
 *       Redis providers delete with a plain {@code DEL} unless {@code safeUpdate} is set.
 *   <li><b>Fencing tokens.</b> {@link io.warden.shedlock.WardenLockProvider#fencingToken(String)}
 *       gives the running task a number that strictly increases per lock name, to pass to the
 *       resource it writes so that the resource can refuse a node that was paused past its lock.
 *   <li><b>Keys always have a TTL</b>, set in the same atomic script that takes the lock.
 *   <li><b>No lock is handed out that is already over.</b> A grant whose lease ended before its
 *       reply arrived (Warden allows 1% + 2 ms for clock drift) is given back and the task skipped,
 *       so a {@code lockAtMostFor} of a few milliseconds never runs a task.
 * </ul>
 *
 * <h2>Warden's watchdog</h2>
 *
 * Off by default, so that {@code lockAtMostFor} is the key's TTL as ShedLock users expect. With
 * {@link io.warden.shedlock.WardenLockProvider.Builder#watchdog(boolean) watchdog(true)}, the key
 * lives for the {@link io.warden.Warden}'s default lease time (30 s unless set) and is renewed while
 * the task runs, never past {@code lockAtMostFor}. What changes: a node that dies frees its locks
 * after one lease time, not after {@code lockAtMostFor} (so {@code lockAtMostFor} can be generous
 * without blocking the next run for long), but a node paused or cut off from Redis for longer than
 * the lease loses its lock before {@code lockAtMostFor}.
 *
 * <h2>Not guaranteed</h2>
 *
 * The keys differ from ShedLock's Redis providers' keys: nodes on the old provider and nodes on
 * Warden do not exclude each other during a rolling switch. Like any lease, a node paused past its
 * lock can act after another node took it: use the fencing token. Redis replication is asynchronous:
 * see Warden's {@code docs/topologies.md} for what each topology keeps on failover.
 */
package io.warden.shedlock;
