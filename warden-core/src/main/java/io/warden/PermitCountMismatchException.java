package io.warden;

/**
 * The semaphore's stored number of permits is not the one this handle was created with: two parts
 * of a system disagree on its limit. Nothing was changed. To change the limit on purpose, acquire
 * through {@link DistributedSemaphore#resize(int)}.
 */
public final class PermitCountMismatchException extends WardenException {
    private static final long serialVersionUID = 1L;

    private final int stored;
    private final int requested;

    public PermitCountMismatchException(String semaphoreName, String redisAddress, int stored, int requested) {
        super(
                semaphoreName,
                redisAddress,
                "semaphore '" + semaphoreName + "' has " + stored + " permits, not the " + requested
                        + " asked for; use semaphore(name, " + requested + ").resize(" + requested
                        + ") to change the limit on purpose",
                null);
        this.stored = stored;
        this.requested = requested;
    }

    /** The number of permits stored with the semaphore. */
    public int stored() {
        return stored;
    }

    /** The number of permits the caller asked the semaphore to have. */
    public int requested() {
        return requested;
    }
}
