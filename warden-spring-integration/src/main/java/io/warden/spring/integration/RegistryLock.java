package io.warden.spring.integration;

import io.warden.Lease;
import io.warden.LeaseNotHeldException;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.WardenException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ConcurrentModificationException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * The {@link java.util.concurrent.locks.Lock} a {@link WardenLockRegistry} hands out for one key: a
 * thin view over the Warden lock of that name. Owned by threads, re-entrant; the leases a thread
 * holds are kept in the registry's {@link Holds}, so this object holds no state but its name.
 */
final class RegistryLock implements DistributedLock {
    /** A wait that never ends: Warden reads a wait too long for nanoseconds as forever. */
    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    private final io.warden.DistributedLock lock;
    private final Holds holds;
    private final LeaseOptions options;
    private volatile long lastUsedNanos = System.nanoTime();

    RegistryLock(io.warden.DistributedLock lock, Holds holds, LeaseOptions options) {
        this.lock = lock;
        this.holds = holds;
        this.options = options;
    }

    String name() {
        return lock.name();
    }

    /** When this lock was last obtained from the registry or acquired ({@link System#nanoTime()}). */
    long lastUsedNanos() {
        return lastUsedNanos;
    }

    void touch() {
        lastUsedNanos = System.nanoTime();
    }

    @Override
    public void lock() {
        lockUninterruptibly(options);
    }

    @Override
    public void lock(Duration ttl) {
        lockUninterruptibly(withTtl(ttl));
    }

    /** Waits without limit; an interrupt does not end the wait, and the flag is set again afterwards. */
    private void lockUninterruptibly(LeaseOptions leaseOptions) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    held(lock.acquire(FOREVER, leaseOptions));
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (WardenException e) {
            throw cannotAcquire(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        try {
            held(lock.acquire(FOREVER, options));
        } catch (WardenException e) {
            throw cannotAcquire(e);
        }
    }

    @Override
    public boolean tryLock() {
        try {
            Optional<Lease> lease = lock.tryAcquire(options);
            lease.ifPresent(this::held);
            return lease.isPresent();
        } catch (WardenException e) {
            throw cannotAcquire(e);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return tryLock(Duration.ofNanos(Math.max(0, unit.toNanos(time))), options);
    }

    @Override
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        Objects.requireNonNull(waitTime, "waitTime");
        return tryLock(waitTime.isNegative() ? Duration.ZERO : waitTime, withTtl(ttl));
    }

    private boolean tryLock(Duration wait, LeaseOptions leaseOptions) throws InterruptedException {
        try {
            held(lock.acquire(wait, leaseOptions));
            return true;
        } catch (LockTimeoutException e) {
            return false;
        } catch (WardenException e) {
            throw cannotAcquire(e);
        }
    }

    private void held(Lease lease) {
        holds.push(name(), lease);
        touch();
    }

    /**
     * Releases the calling thread's innermost hold; the last one releases the lease in Redis,
     * owner-checked, and waits for the reply (also when the thread is interrupted).
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold this lock here
     * @throws ConcurrentModificationException if the lease had been lost (expired, deleted, taken)
     *     before this release: what was done under it may have overlapped another holder
     */
    @Override
    public void unlock() {
        Lease lease = holds.pop(name());
        if (lease == null) {
            throw new IllegalMonitorStateException("lock '" + name() + "' is not held by thread "
                    + Thread.currentThread().getName() + " through this registry");
        }
        try {
            lease.release();
        } catch (LeaseNotHeldException e) {
            throw new ConcurrentModificationException(
                    "lock '" + name() + "' was lost before it was unlocked (" + e.reason()
                            + "): what was done under it may have overlapped another holder",
                    e);
        }
    }

    /** Sets the calling thread's lease to expire {@code ttl} from now, owner-checked. */
    void renew(Duration ttl) {
        Lease lease = holds.peek(name());
        if (lease == null) {
            throw new IllegalStateException("cannot renew lock '" + name() + "': not held by thread "
                    + Thread.currentThread().getName() + " through this registry");
        }
        try {
            lease.extend(ttl);
        } catch (WardenException e) {
            throw new IllegalStateException("could not renew lock '" + name() + "': " + e.getMessage(), e);
        }
    }

    boolean isHeldHere() {
        return holds.anyHolds(name());
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("lock '" + name() + "': conditions are not supported");
    }

    private LeaseOptions withTtl(Duration ttl) {
        return options.withLeaseTime(Objects.requireNonNull(ttl, "ttl")).withWatchdog(true);
    }

    private CannotAcquireLockException cannotAcquire(WardenException e) {
        return new CannotAcquireLockException("failed to lock '" + name() + "': " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "WardenLockRegistry.Lock[" + name() + "]";
    }
}
