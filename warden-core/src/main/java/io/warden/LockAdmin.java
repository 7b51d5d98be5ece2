package io.warden;

import java.util.List;
import java.util.Optional;

/**
 * Operator views and controls over the locks of one key prefix, for tools such as the {@code
 * warden} command. Not meant for application logic: what it reads may change at once.
 */
public interface LockAdmin {

    /**
     * The lock's current state, holder, TTL and last issued fencing token. One round trip. A lock
     * whose key or fencing counter holds data Warden did not write is {@link LockInfo.State#FOREIGN},
     * naming that key.
     */
    LockInfo inspect(String name);

    /**
     * Everything under the key prefix whose name starts with {@code namePrefix} (empty for all), found
     * with {@code SCAN} (never {@code KEYS}), sorted by name: the held locks, and as {@link
     * LockInfo.State#FOREIGN} every key that Warden did not write there (data of another type or
     * value in a lock key or fencing counter, a key whose name no lock can have, such as one over the
     * name limit). Free locks are left out. One round trip per key found; cost grows with the
     * database size.
     */
    List<LockInfo> list(String namePrefix);

    /**
     * Deletes the lock whoever holds it, and wakes its waiters: an escape hatch for operators when a
     * holder is known to be gone. The holder, if alive, stops using the lock within about a round
     * trip if it listens for releases (Warden's leases do while connected), else at its next renewal.
     * Never deletes a key that is not a Warden lock.
     *
     * @return the lock as it was just before it was deleted ({@link LockInfo.State#HELD}, with its
     *     holder if the key named one and its TTL, empty if it had no expiry), or empty if the lock
     *     was free
     * @throws LockKeyConflictException if the key holds data Warden did not write
     */
    Optional<LockInfo> forceUnlock(String name);

    /**
     * A read-write lock's writer, live readers, waiting writer, waiting readers and last fencing
     * token. One round trip; its cost grows with the number of readers. Not supported on Redlock.
     */
    ReadWriteLockInfo inspectReadWrite(String name);

    /**
     * The read-write locks under the key prefix whose names start with {@code namePrefix} (empty for
     * all) that are held, a writer or reader waits for, or hold data Warden did not write, sorted by name. Found
     * with {@code SCAN}; {@link #list} leaves their keys out.
     */
    List<ReadWriteLockInfo> listReadWrite(String namePrefix);

    /**
     * Deletes a read-write lock's writer, every reader, a waiting writer's marker and the waiting
     * readers' registrations, whoever holds them, and wakes waiters: the escape hatch of {@link #forceUnlock} for read-write locks. Holders
     * learn it as for {@link #forceUnlock}. Deletes nothing if any of the lock's keys holds data Warden
     * did not write.
     *
     * @return the lock as it was just before, or empty if it was free
     * @throws LockKeyConflictException if a key of the lock holds data Warden did not write
     */
    Optional<ReadWriteLockInfo> forceUnlockReadWrite(String name);

    /**
     * A semaphore's stored limit and live holders (holder, units, TTL). One round trip, whose cost
     * grows with the number of holders.
     *
     * @throws LockKeyConflictException if one of its keys holds data Warden did not write
     */
    SemaphoreInfo inspectSemaphore(String name);

    /**
     * The semaphores under the key prefix whose name starts with {@code namePrefix} and which have a
     * stored limit or holders, found with {@code SCAN}, sorted by name; and, with {@link
     * SemaphoreInfo#foreignKey} naming the key, those of whose keys one holds data Warden did not
     * write. {@link #list} leaves their keys out.
     */
    List<SemaphoreInfo> listSemaphores(String namePrefix);

    /**
     * Removes every permit of the semaphore whoever holds it (its stored limit is kept), and wakes
     * its waiters: the operators' escape hatch when holders are known to be gone. Live holders learn
     * it at their next renewal (their permits are reported lost, {@link LossCause#KEY_DELETED}).
     *
     * @return the number of permits removed
     * @throws LockKeyConflictException if one of its keys holds data Warden did not write
     */
    int forceUnlockSemaphore(String name);
}
