package io.warden.bench;

import io.warden.DistributedReadWriteLock;
import io.warden.DistributedSemaphore;
import io.warden.Warden;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The shared-ownership primitives of S8 and S9, reduced to what they need: a permit of a semaphore,
 * a read or a write lease of a read-write lock. Each client stands for one application node; every
 * library is opened with its defaults except the lease time, which is the same for all.
 */
final class SharedClients {
    private SharedClients() {}

    /** One semaphore of a fixed number of permits. */
    interface Permits extends AutoCloseable {
        /** Waits for one permit and returns it held. */
        LockClient.Held acquire() throws InterruptedException;

        @Override
        void close();
    }

    /** One read-write lock. */
    interface ReadWrite extends AutoCloseable {
        LockClient.Held read() throws InterruptedException;

        LockClient.Held write() throws InterruptedException;

        @Override
        void close();
    }

    static Permits permits(Library library, String uri, String name, int permits, Duration lease) {
        switch (library) {
            case WARDEN: {
                Warden warden = warden(uri, lease);
                DistributedSemaphore semaphore = warden.semaphore(name, permits);
                return new Permits() {
                    @Override
                    public LockClient.Held acquire() throws InterruptedException {
                        return semaphore.acquire(LockClient.MAX_WAIT)::release;
                    }

                    @Override
                    public void close() {
                        warden.close();
                    }
                };
            }
            case REDISSON_EXPIRABLE_SEMAPHORE: {
                RedissonClient redisson = redisson(uri, lease);
                RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore(name);
                semaphore.trySetPermits(permits);
                return new Permits() {
                    @Override
                    public LockClient.Held acquire() throws InterruptedException {
                        // A lease of its own: the same lease time as the others, never renewed.
                        String id = semaphore.acquire(lease.toMillis(), TimeUnit.MILLISECONDS);
                        return () -> semaphore.release(id);
                    }

                    @Override
                    public void close() {
                        redisson.shutdown();
                    }
                };
            }
            case REDISSON_SEMAPHORE: {
                RedissonClient redisson = redisson(uri, lease);
                RSemaphore semaphore = redisson.getSemaphore(name);
                semaphore.trySetPermits(permits);
                return new Permits() {
                    @Override
                    public LockClient.Held acquire() throws InterruptedException {
                        // A plain counter: a permit never expires.
                        semaphore.acquire();
                        return semaphore::release;
                    }

                    @Override
                    public void close() {
                        redisson.shutdown();
                    }
                };
            }
            default:
                throw new IllegalArgumentException(library.label() + " has no semaphore adapter");
        }
    }

    static ReadWrite readWrite(Library library, String uri, String name, Duration lease) {
        switch (library) {
            case WARDEN: {
                Warden warden = warden(uri, lease);
                DistributedReadWriteLock lock = warden.readWriteLock(name);
                return new ReadWrite() {
                    @Override
                    public LockClient.Held read() throws InterruptedException {
                        return lock.readLock().acquire(LockClient.MAX_WAIT)::release;
                    }

                    @Override
                    public LockClient.Held write() throws InterruptedException {
                        return lock.writeLock().acquire(LockClient.MAX_WAIT)::release;
                    }

                    @Override
                    public void close() {
                        warden.close();
                    }
                };
            }
            case REDISSON: {
                RedissonClient redisson = redisson(uri, lease);
                RReadWriteLock lock = redisson.getReadWriteLock(name);
                return new ReadWrite() {
                    @Override
                    public LockClient.Held read() throws InterruptedException {
                        return held(lock.readLock());
                    }

                    @Override
                    public LockClient.Held write() throws InterruptedException {
                        return held(lock.writeLock());
                    }

                    @Override
                    public void close() {
                        redisson.shutdown();
                    }
                };
            }
            default:
                throw new IllegalArgumentException(library.label() + " has no read-write lock adapter");
        }
    }

    /** With its watchdog, as {@link RedissonLocks}: no lease time given, so it renews. */
    private static LockClient.Held held(RLock lock) throws InterruptedException {
        lock.lockInterruptibly();
        return lock::unlock;
    }

    private static Warden warden(String uri, Duration lease) {
        return Warden.builder()
                .uri(uri)
                .defaultLeaseTime(lease)
                .defaultWait(LockClient.MAX_WAIT)
                .build();
    }

    private static RedissonClient redisson(String uri, Duration lease) {
        Config config = new Config();
        config.useSingleServer().setAddress(uri);
        config.setLockWatchdogTimeout(lease.toMillis());
        return Redisson.create(config);
    }
}
