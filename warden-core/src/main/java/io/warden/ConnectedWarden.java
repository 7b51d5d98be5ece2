package io.warden;

import io.warden.internal.WardenCore;
import java.time.Duration;

/** The {@link Warden} that {@link Warden.Builder#build()} returns: a facade over the running core. */
final class ConnectedWarden implements Warden {
    private final WardenCore core;

    ConnectedWarden(WardenCore core) {
        this.core = core;
    }

    @Override
    public DistributedLock lock(String name) {
        return core.lock(name);
    }

    @Override
    public DistributedSemaphore semaphore(String name, int permits) {
        return core.semaphore(name, permits);
    }

    @Override
    public DistributedReadWriteLock readWriteLock(String name) {
        return core.readWriteLock(name);
    }

    @Override
    public TaskLock task(String name) {
        return core.task(name);
    }

    @Override
    public LeaderElection leader(String name, Duration leaseTime) {
        return core.leader(name, leaseTime);
    }

    @Override
    public LeaderElection leader(String name) {
        return core.leader(name, core.defaultLeaseTime());
    }

    @Override
    public LockAdmin admin() {
        return core.admin();
    }

    @Override
    public WardenMetrics metrics() {
        return core.metrics();
    }

    @Override
    public void addListener(WardenListener listener) {
        core.addListener(listener);
    }

    @Override
    public boolean removeListener(WardenListener listener) {
        return core.removeListener(listener);
    }

    @Override
    public String redisAddress() {
        return core.redisAddress();
    }

    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
