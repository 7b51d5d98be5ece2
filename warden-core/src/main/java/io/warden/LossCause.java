package io.warden;

/** Why a lease stopped being held without its holder releasing it. */
public enum LossCause {
    /** A renewal found the key gone: it expired or was deleted by someone else. */
    KEY_DELETED,
    /** A renewal found the key held by another owner (it expired and was taken, or was overwritten). */
    TAKEN_BY_ANOTHER_OWNER,
    /** A renewal found the key replaced by data Warden did not write. */
    KEY_OVERWRITTEN,
    /**
     * No renewal was confirmed before the lease's local validity deadline, for example because
     * Redis was unreachable or paused. The key may still exist on the server, but the holder can no
     * longer rely on it.
     */
    RENEWAL_DEADLINE_PASSED,
    /**
     * The lease ran out without a confirmed release: its fixed lease time (no watchdog) passed, or
     * its release could not be confirmed (Redis unreachable), which stops the watchdog, and the
     * lease then expired.
     */
    EXPIRED,
    /** The lease reached its maximum hold time ({@code lockAtMostFor}) and renewal stopped by design. */
    MAX_HOLD_REACHED,
    /** The {@link Warden} instance was closed while the lease was held (it released the lease). */
    WARDEN_CLOSED
}
