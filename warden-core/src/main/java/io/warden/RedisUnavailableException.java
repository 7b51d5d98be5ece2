package io.warden;

import org.jspecify.annotations.Nullable;

/**
 * Redis did not answer in time, refused the connection, or failed the command for a reason
 * unrelated to the lock's data. Raised within the command timeout; Warden never hangs on an
 * unreachable server.
 *
 * <p>After this error the lock's state on the server is unknown to the caller: an acquire may or
 * may not have taken effect (Warden then sends an owner-checked release for it, and the key
 * otherwise expires with its lease), and a release may or may not have happened (retry it, or let
 * the lease expire).
 */
public final class RedisUnavailableException extends WardenException {
    private static final long serialVersionUID = 1L;

    public RedisUnavailableException(
            @Nullable String lockName, String redisAddress, String message, @Nullable Throwable cause) {
        super(lockName, redisAddress, message, cause);
    }
}
