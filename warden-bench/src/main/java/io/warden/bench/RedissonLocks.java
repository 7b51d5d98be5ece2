package io.warden.bench;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@link RLock} with its watchdog ({@code lock()} without a lease time), default client
 * settings except {@code lockWatchdogTimeout}, which is set to the lease Warden uses in the same
 * scenario. With {@code fair}, {@code getFairLock(name)} (its other settings at their defaults, such
 * as the 5 s it waits for a silent waiter's return).
 */
final class RedissonLocks implements LockClient {
    private final RedissonClient redisson;
    private final boolean fair;

    RedissonLocks(String uri, Duration leaseTime, boolean fair) {
        this.fair = fair;
        Config config = new Config();
        config.useSingleServer().setAddress(uri);
        config.setLockWatchdogTimeout(leaseTime.toMillis());
        this.redisson = Redisson.create(config);
    }

    @Override
    public Held acquire(String name) throws InterruptedException {
        RLock lock = fair ? redisson.getFairLock(name) : redisson.getLock(name);
        lock.lockInterruptibly();
        return lock::unlock;
    }

    @Override
    public String redisKey(String name) {
        return name;
    }

    @Override
    public void close() {
        redisson.shutdown();
    }
}
