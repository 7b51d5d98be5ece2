package io.warden.internal;

import io.warden.Backoff;
import io.warden.LossPolicy;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A Warden's validated configuration: where Redis is ({@link Connection}) and how leases behave.
 * Built by {@code Warden.Builder}.
 */
public record Settings(
        Connection connection,
        String keyPrefix,
        Duration defaultLeaseTime,
        Duration defaultWait,
        int renewalsPerLease,
        boolean fencing,
        Backoff waitBackoff,
        LossPolicy lossPolicy,
        @Nullable Executor callbackExecutor) {

    public Settings {
        if (lossPolicy == null) {
            lossPolicy = LossPolicy.INTERRUPT;
        }
    }

    /** The bound on every Redis command, and on the waits built from them. */
    Duration commandTimeout() {
        return connection.commandTimeout();
    }
}
