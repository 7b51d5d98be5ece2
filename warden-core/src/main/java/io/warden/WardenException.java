package io.warden;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Base type of every error Warden reports. Unchecked: callers decide where to handle lock failures.
 *
 * <p>Each instance names the lock it concerns and the Redis address it talked to, so a log line is
 * enough to act on. Subtypes say what went wrong; catch this type to handle them all.
 */
public class WardenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String lockName;
    private final String redisAddress;

    /**
     * @param lockName the lock concerned, or {@code null} if the error concerns no single lock
     * @param redisAddress the Redis endpoint involved, never {@code null}
     * @param message what happened, without the lock name (added here)
     * @param cause the underlying error, or {@code null}
     */
    public WardenException(@Nullable String lockName, String redisAddress, String message, @Nullable Throwable cause) {
        super(describe(lockName, redisAddress, message), cause);
        this.lockName = lockName;
        this.redisAddress = Objects.requireNonNull(redisAddress, "redisAddress");
    }

    private static String describe(@Nullable String lockName, String redisAddress, String message) {
        String subject = lockName == null ? "Warden" : "lock '" + lockName + "'";
        return subject + " on " + redisAddress + ": " + message;
    }

    /** The lock this error concerns, or {@code null} when it concerns the connection as a whole. */
    public @Nullable String lockName() {
        return lockName;
    }

    /** The Redis endpoint involved, as {@code host:port} (or the topology's description). */
    public String redisAddress() {
        return redisAddress;
    }
}
