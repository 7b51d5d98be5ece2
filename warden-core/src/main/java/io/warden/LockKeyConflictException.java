package io.warden;

/**
 * A key that Warden uses for this lock holds data Warden did not write: a string, a list, or a hash
 * without an owner (Redis would answer {@code WRONGTYPE}). Usually another application uses the same
 * key name; choose another key prefix or lock name. Warden left the data untouched.
 */
public final class LockKeyConflictException extends WardenException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public LockKeyConflictException(String lockName, String redisAddress, String key, String detail) {
        super(
                lockName,
                redisAddress,
                "key '" + key + "' holds data Warden did not write (" + detail + "); it was left untouched",
                null);
        this.key = key;
    }

    /** The Redis key that holds foreign data. */
    public String key() {
        return key;
    }
}
