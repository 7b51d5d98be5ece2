package io.warden.bench;

import io.warden.Lease;
import io.warden.Warden;
import io.warden.WardenMetrics;
import java.time.Duration;

/**
 * Warden with default settings except the lease time: {@code lock(name).acquire(wait)}, watchdog on;
 * or {@code fairLock(name)} when {@code fair}; with {@code fencing(false)} when not {@code fencing}.
 */
final class WardenLocks implements LockClient {
    private final Warden warden;
    private final boolean fair;

    WardenLocks(String uri, Duration leaseTime, boolean fair, boolean fencing) {
        this.fair = fair;
        this.warden = Warden.builder()
                .uri(uri)
                .defaultLeaseTime(leaseTime)
                .defaultWait(MAX_WAIT)
                .fencing(fencing)
                .build();
    }

    @Override
    public Held acquire(String name) throws InterruptedException {
        Lease lease = (fair ? warden.fairLock(name) : warden.lock(name)).acquire(MAX_WAIT);
        return lease::release;
    }

    @Override
    public String redisKey(String name) {
        // The documented key layout: prefix:{name}, with the default prefix.
        return "warden:{" + name + "}";
    }

    WardenMetrics metrics() {
        return warden.metrics();
    }

    @Override
    public void close() {
        warden.close();
    }
}
