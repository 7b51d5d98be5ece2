package io.warden;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Redis says about a semaphore at one instant, for operators ({@link LockAdmin}). It may be out
 * of date as soon as it is read.
 *
 * @param name the semaphore's name
 * @param permits the stored limit, or empty if none is stored yet
 * @param holders the live permits, soonest to expire first (permits whose holder died and whose
 *     key expired are left out, even before an acquisition clears them)
 * @param lastFencingToken the last fencing token issued for its permits (0 if none)
 * @param foreignKey a key of the semaphore that holds data Warden did not write (then permits and
 *     holders are empty), as {@link LockAdmin#listSemaphores} reports it; Warden neither grants nor
 *     removes permits of such a semaphore
 */
public record SemaphoreInfo(
        String name,
        Optional<Integer> permits,
        List<PermitHolderInfo> holders,
        long lastFencingToken,
        Optional<String> foreignKey) {

    public SemaphoreInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(permits, "permits");
        holders = List.copyOf(holders);
        Objects.requireNonNull(foreignKey, "foreignKey");
    }

    /** A semaphore whose keys all hold data Warden wrote. */
    public SemaphoreInfo(
            String name, Optional<Integer> permits, List<PermitHolderInfo> holders, long lastFencingToken) {
        this(name, permits, holders, lastFencingToken, Optional.empty());
    }

    /** Units held now by live holders. */
    public int unitsHeld() {
        return holders.stream().mapToInt(PermitHolderInfo::units).sum();
    }

    /**
     * One held permit.
     *
     * @param units how many of the semaphore's permits it holds
     * @param holder who holds it, if recorded
     * @param ttl the remaining TTL of its lease
     */
    public record PermitHolderInfo(int units, Optional<HolderInfo> holder, Duration ttl) {}
}
