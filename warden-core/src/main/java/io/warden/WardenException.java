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
    private final @Nullable String detail;
    /** Built on first read: a refused attempt's exception is mostly caught and never shown. */
    private volatile @Nullable String message;

    /**
     * @param lockName the lock concerned, or {@code null} if the error concerns no single lock
     * @param redisAddress the Redis endpoint involved, never {@code null}
     * @param message what happened, without the lock name (added here)
     * @param cause the underlying error, or {@code null}
     */
    public WardenException(@Nullable String lockName, String redisAddress, String message, @Nullable Throwable cause) {
        super(null, cause);
        this.lockName = lockName;
        this.redisAddress = Objects.requireNonNull(redisAddress, "redisAddress");
        this.detail = message;
    }

    /**
     * For subtypes that say what happened in {@link #detail()}, which is called only when the
     * message is first read.
     *
     * @param lockName the lock concerned, or {@code null} if the error concerns no single lock
     * @param redisAddress the Redis endpoint involved, never {@code null}
     * @param cause the underlying error, or {@code null}
     */
    protected WardenException(@Nullable String lockName, String redisAddress, @Nullable Throwable cause) {
        super(null, cause);
        this.lockName = lockName;
        this.redisAddress = Objects.requireNonNull(redisAddress, "redisAddress");
        this.detail = null;
    }

    /** What happened, without the lock name; subtypes built without a message override this. */
    protected String detail() {
        return String.valueOf(detail);
    }

    /** The lock (or "Warden"), the Redis address and what happened. */
    @Override
    public String getMessage() {
        String built = message;
        if (built == null) {
            built = describe(lockName, redisAddress, detail());
            message = built;
        }
        return built;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        message = getMessage(); // a subtype's detail may rest on transient fields
        out.defaultWriteObject();
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
