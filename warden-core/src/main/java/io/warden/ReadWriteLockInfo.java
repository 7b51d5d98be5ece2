package io.warden;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Redis says about a read-write lock at one instant, for operators ({@link LockAdmin}). It may
 * be out of date as soon as it is read; never decide to act on a lock from it.
 *
 * @param name the lock's name
 * @param writer the write lease's holder, if a writer holds the lock
 * @param readers the live read leases, in no particular order (several when readers share it; the
 *     writer's own read lease after a downgrade is among them)
 * @param waitingWriter the holder of a waiting writer's marker, which keeps new readers out
 * @param admittedReaders how many waiting readers are admitted to the next read phase: they asked
 *     while a writer held the lock (or waited behind a writer that has since been granted), and the
 *     next writer waits for them
 * @param waitingReaders how many readers wait behind the waiting writer: they go after it
 * @param lastFencingToken the last fencing token issued for the name, reads and writes alike (0 if
 *     none)
 * @param foreignKey a key of the lock that holds data Warden did not write (the other fields may
 *     then be empty); Warden neither takes nor deletes such a lock
 */
public record ReadWriteLockInfo(
        String name,
        Optional<Share> writer,
        List<Share> readers,
        Optional<Share> waitingWriter,
        int admittedReaders,
        int waitingReaders,
        long lastFencingToken,
        Optional<String> foreignKey) {

    /**
     * One lease (or a waiting writer's marker).
     *
     * @param holder who holds it, if its key names a holder
     * @param ttl its key's remaining time to live, empty if the key has no expiry
     */
    public record Share(Optional<HolderInfo> holder, Optional<Duration> ttl) {
        public Share {
            Objects.requireNonNull(holder, "holder");
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    public ReadWriteLockInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(writer, "writer");
        readers = List.copyOf(readers);
        Objects.requireNonNull(waitingWriter, "waitingWriter");
        Objects.requireNonNull(foreignKey, "foreignKey");
    }

    /** True if a writer or any reader holds the lock. */
    public boolean isHeld() {
        return writer.isPresent() || !readers.isEmpty();
    }
}
