package io.warden.internal;

import io.warden.Backoff;
import io.warden.FencingTokens;
import io.warden.LossPolicy;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A Warden's validated configuration: where Redis is ({@link Connection}) and how leases behave.
 * Built by {@code Warden.Builder}.
 *
 * @param fencingTokens how tokens are minted when {@code fencing} is on; null means the default,
 *     {@link FencingTokens#CLOCK_FLOORED}
 * @param noticeForcedUnlock whether a watched holder listens on its lock's release channel, so as
 *     to notice a forced unlock at once instead of at its next renewal
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
        @Nullable Executor callbackExecutor,
        FencingTokens fencingTokens,
        boolean noticeForcedUnlock) {

    public Settings {
        if (lossPolicy == null) {
            lossPolicy = LossPolicy.INTERRUPT;
        }
        if (fencingTokens == null) {
            fencingTokens = FencingTokens.CLOCK_FLOORED;
        }
    }

    /** The bound on every Redis command, and on the waits built from them. */
    Duration commandTimeout() {
        return connection.commandTimeout();
    }
}
