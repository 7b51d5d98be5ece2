package io.warden.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.warden.Backoff;
import io.warden.LossPolicy;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A Warden's validated configuration. Built by {@code Warden.Builder}; exactly one of {@code uri}
 * and {@code client} may be null.
 */
public record Settings(
        RedisURI uri,
        RedisClient client,
        String keyPrefix,
        Duration defaultLeaseTime,
        Duration defaultWait,
        Duration commandTimeout,
        int renewalsPerLease,
        boolean fencing,
        Backoff waitBackoff,
        LossPolicy lossPolicy,
        Executor callbackExecutor) {

    public Settings {
        if (uri == null && client == null) {
            throw new IllegalArgumentException("a Redis URI or client is required");
        }
        if (lossPolicy == null) {
            lossPolicy = LossPolicy.INTERRUPT;
        }
    }
}
