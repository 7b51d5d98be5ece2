package io.warden;

/**
 * A lease was released, extended or asserted while it was not held. {@link #reason()} says why,
 * as precisely as Warden knows. Nothing on the server was changed: Warden never deletes or extends
 * a key held by another owner.
 */
public final class LeaseNotHeldException extends WardenException {
    private static final long serialVersionUID = 1L;

    /** Why the lease was not held. */
    public enum Reason {
        /** This lease handle was already released (a double release). */
        ALREADY_RELEASED,
        /** The lease expired: its key was gone from Redis, or its validity ran out locally. */
        EXPIRED,
        /** The lock is now held by another owner (the lease expired and someone else acquired it). */
        HELD_BY_ANOTHER_OWNER,
        /** The watchdog had already reported the lease lost; see {@link Lease#lostCause()}. */
        LOST,
        /** The calling owner never held this lock. */
        NOT_OWNER
    }

    private final Reason reason;

    public LeaseNotHeldException(String lockName, String redisAddress, Reason reason, String detail) {
        super(lockName, redisAddress, "lease not held: " + detail, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
