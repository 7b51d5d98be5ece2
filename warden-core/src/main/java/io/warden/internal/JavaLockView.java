package io.warden.internal;

import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * {@link Lock} over a {@link DefaultLock}: thread-owned, re-entrant, watchdog on. Hold counts live
 * in the shared lease, so {@code lock()}/{@code unlock()} pairs nest as with {@code ReentrantLock}.
 */
final class JavaLockView implements Lock {
    private final DefaultLock lock;

    JavaLockView(DefaultLock lock) {
        this.lock = lock;
    }

    @Override
    public void lock() {
        lock.acquireUninterruptibly(LeaseOptions.defaults());
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        lock.acquireBlocking(DefaultLock.FOREVER, LeaseOptions.defaults());
    }

    @Override
    public boolean tryLock() {
        return lock.tryAcquire().isPresent();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        try {
            lock.acquire(Duration.ofNanos(Math.max(0, unit.toNanos(time))));
            return true;
        } catch (LockTimeoutException e) {
            return false;
        }
    }

    @Override
    public void unlock() {
        LeaseState state = lock.heldBy(Thread.currentThread());
        if (state == null) {
            throw new IllegalMonitorStateException(
                    "lock '" + lock.name() + "' on " + lock.engine().address()
                            + " is not held by thread " + Thread.currentThread().getName()
                            + " (never acquired, already released, or its lease was lost)");
        }
        state.release(0);
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("lock '" + lock.name() + "': conditions are not supported");
    }

    @Override
    public String toString() {
        return "Lock[" + lock.name() + "]";
    }
}
