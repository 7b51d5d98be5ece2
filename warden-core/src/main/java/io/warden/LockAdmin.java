package io.warden;

import java.util.List;
import java.util.Optional;

/**
 * Operator views and controls over the locks of one key prefix, for tools such as the {@code
 * warden} command. Not meant for application logic: what it reads may change at once.
 */
public interface LockAdmin {

    /** The lock's current state, holder, TTL and last issued fencing token. One round trip. */
    LockInfo inspect(String name);

    /**
     * The locks currently held whose names start with {@code namePrefix} (empty for all), found with
     * {@code SCAN} (never {@code KEYS}), sorted by name. Cost grows with the database size.
     */
    List<LockInfo> list(String namePrefix);

    /**
     * Deletes the lock whoever holds it, and wakes its waiters: an escape hatch for operators when a
     * holder is known to be gone. The holder, if alive, keeps running until its watchdog reports the
     * lease lost. Never deletes a key that is not a Warden lock.
     *
     * @return the holder that was removed, or empty if the lock was free
     * @throws LockKeyConflictException if the key holds data Warden did not write
     */
    Optional<HolderInfo> forceUnlock(String name);
}
