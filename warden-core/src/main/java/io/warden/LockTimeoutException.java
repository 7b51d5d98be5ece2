package io.warden;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The lock was not acquired within the allowed wait. Nothing is left behind: the waiter's local
 * queue entry and subscription are gone, and no key was written.
 */
public final class LockTimeoutException extends WardenException {
    private static final long serialVersionUID = 1L;

    private final Duration waited;
    private final transient @Nullable HolderInfo holder;

    public LockTimeoutException(String lockName, String redisAddress, Duration waited, @Nullable HolderInfo holder) {
        super(lockName, redisAddress, null);
        this.waited = waited;
        this.holder = holder;
    }

    @Override
    protected String detail() {
        return "not acquired within " + waited + (holder == null ? "" : "; held by " + holder);
    }

    /** How long the caller was allowed to wait. */
    public Duration waited() {
        return waited;
    }

    /** The holder seen by the last attempt, when known. */
    public Optional<HolderInfo> holder() {
        return Optional.ofNullable(holder);
    }
}
