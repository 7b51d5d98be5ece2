package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.DistributedLock;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;

/** A lock handle: validates arguments, starts acquisitions, and waits for them as the caller asked. */
final class DefaultLock implements DistributedLock {
    /** Wait without limit (the {@link Lock} view). */
    static final long FOREVER = Long.MAX_VALUE;

    private final Engine engine;
    private final LockKeys keys;
    /** The other side of a read-write lock, or null for a plain lock. */
    private final @Nullable LockKeys otherSide;

    DefaultLock(Engine engine, LockKeys keys) {
        this(engine, keys, null);
    }

    DefaultLock(Engine engine, LockKeys keys, @Nullable LockKeys otherSide) {
        this.engine = engine;
        this.keys = keys;
        this.otherSide = otherSide;
    }

    @Override
    public String name() {
        return keys.name();
    }

    Engine engine() {
        return engine;
    }

    @Override
    public Lease acquire() throws InterruptedException {
        return acquire(engine.settings().defaultWait());
    }

    @Override
    public Lease acquire(Duration wait) throws InterruptedException {
        return acquire(wait, LeaseOptions.defaults());
    }

    @Override
    public Lease acquire(Duration wait, LeaseOptions options) throws InterruptedException {
        return acquireBlocking(waitNanos(wait), options);
    }

    Lease acquireBlocking(long waitNanos, LeaseOptions options) throws InterruptedException {
        Acquisition acquisition = startBlocking(waitNanos, options);
        try {
            return handle(Futures.await(acquisition.result));
        } catch (InterruptedException e) {
            withdrawOrGiveBack(acquisition);
            throw e;
        }
    }

    /** Waits without limit and without giving up on interrupts (restoring the flag). */
    Lease acquireUninterruptibly(LeaseOptions options) {
        return handle(Futures.awaitUninterruptibly(startBlocking(FOREVER, options).result));
    }

    @Override
    public Optional<Lease> tryAcquire() {
        return tryAcquire(LeaseOptions.defaults());
    }

    @Override
    public Optional<Lease> tryAcquire(LeaseOptions options) {
        Object outcome = tryAcquireOrConflict(options);
        return outcome instanceof Lease lease ? Optional.of(lease) : Optional.empty();
    }

    /** Tries once; on conflict returns the timeout exception (with the holder) instead of throwing. */
    Object tryAcquireOrConflict(LeaseOptions options) {
        Object outcome = Futures.awaitOrRefusal(startBlocking(0, options).result, LockTimeoutException.class);
        return outcome instanceof LeaseState state ? handle(state) : outcome;
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(Duration wait) {
        return acquireAsync(wait, LeaseOptions.defaults());
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(Duration wait, LeaseOptions options) {
        long waitNanos = waitNanos(wait);
        Objects.requireNonNull(options, "options");
        Object owner = options.explicitOwner().orElseGet(Object::new);
        Acquisition acquisition = start(waitNanos, owner, options);
        CompletableFuture<Lease> caller = new CompletableFuture<>();
        Futures.onCompletion(
                acquisition.result,
                (state, error) -> engine.wiring().runCallback(() -> {
                    if (error != null) {
                        caller.completeExceptionally(Failures.unwrap(error));
                    } else if (!caller.complete(handle(state))) {
                        state.giveBack(); // the caller cancelled while the lease arrived
                    }
                }));
        caller.whenComplete((lease, error) -> {
            if (caller.isCancelled()) {
                acquisition.cancel();
            }
        });
        return caller;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        LeaseState state = heldBy(Thread.currentThread());
        return state != null && state.isHeld();
    }

    /** The lease {@code owner} holds on this lock through this Warden, or null. */
    @Nullable
    LeaseState heldBy(Object owner) {
        LockEntry entry = engine.table().existing(keys, owner);
        return entry == null ? null : entry.heldBy(owner);
    }

    @Override
    public void runLocked(Duration wait, Runnable task) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        // No value: null, as CriticalSection<@Nullable Void, ...> allows. NullAway's standard mode
        // reads the lambda's T as non-null; a false positive, suppressed for this declaration only.
        @SuppressWarnings("NullAway")
        CriticalSection<@Nullable Void, RuntimeException> body = () -> {
            task.run();
            return null;
        };
        callLocked(wait, body);
    }

    @Override
    public <T extends @Nullable Object, E extends Exception> T callLocked(Duration wait, CriticalSection<T, E> task)
            throws E, InterruptedException {
        Objects.requireNonNull(task, "task");
        return GuardedCall.run(
                (LeaseHandle) acquire(wait), task, engine.settings().lossPolicy(), engine.address(), () -> 0);
    }

    @Override
    public Lock asJavaLock() {
        return new JavaView(this);
    }

    private Acquisition startBlocking(long waitNanos, LeaseOptions options) {
        Objects.requireNonNull(options, "options");
        Object owner = options.explicitOwner().orElseGet(Thread::currentThread);
        return start(waitNanos, owner, options);
    }

    private Acquisition start(long waitNanos, Object owner, LeaseOptions options) {
        LockKeys attemptKeys = otherSide == null ? keys : readWriteKeys(owner, waitNanos);
        Object effectiveOwner = options.reentrant() ? owner : new Object();
        return engine.acquire(
                attemptKeys, effectiveOwner, options.reentrant(), LeaseSpec.of(options, engine.settings()), waitNanos);
    }

    /**
     * A read-write side's keys for one acquisition by {@code owner}: its intent id (none when it will
     * not wait, so that it leaves nothing behind), and for a reader the token of the write lease its
     * owner holds (a downgrade). Refuses an upgrade.
     */
    private LockKeys readWriteKeys(Object owner, long waitNanos) {
        LockKeys.Shared shared = Objects.requireNonNull(keys.shared(), "shared");
        LockKeys other = Objects.requireNonNull(otherSide, "otherSide");
        LockEntry otherGate = engine.table().existing(other, owner);
        LeaseState otherLease = otherGate == null ? null : otherGate.heldBy(owner);
        boolean holdsOther = otherLease != null && otherLease.isHeld();
        if (shared.role() == LockKeys.Role.WRITE) {
            if (holdsOther) {
                throw new IllegalStateException("read-write lock '" + keys.name() + "' on " + engine.address()
                        + ": cannot take the write lock while holding its read lock (an upgrade): two readers"
                        + " upgrading at once would wait for each other for ever; release the read lease first");
            }
        }
        LockKeys attempt = keys.withIntent(waitNanos == 0 ? "" : OwnerTokens.next());
        return otherLease != null && holdsOther ? attempt.withDowngradeFrom(otherLease.token()) : attempt;
    }

    private void withdrawOrGiveBack(Acquisition acquisition) {
        acquisition.cancel();
        LeaseState acquired = acquisition.result.isCompletedExceptionally() ? null : acquisition.result.getNow(null);
        if (acquired != null) {
            acquired.giveBack();
        }
    }

    private LeaseHandle handle(LeaseState state) {
        return new LeaseHandle(state, engine.address(), engine.settings().fencing());
    }

    private long waitNanos(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("lock '" + keys.name() + "': wait must not be negative, got " + wait);
        }
        try {
            return wait.toNanos();
        } catch (ArithmeticException tooLong) {
            return FOREVER;
        }
    }

    @Override
    public String toString() {
        return "DistributedLock[" + keys.name() + " on " + engine.address() + "]";
    }

    /**
     * {@link Lock} over a {@link DefaultLock}: thread-owned, re-entrant, watchdog on. Hold counts live
     * in the shared lease, so {@code lock()}/{@code unlock()} pairs nest as with {@code ReentrantLock}.
     */
    private static final class JavaView implements Lock {
        private final DefaultLock lock;

        JavaView(DefaultLock lock) {
            this.lock = lock;
        }

        @Override
        public void lock() {
            lock.acquireUninterruptibly(LeaseOptions.defaults());
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            lock.acquireBlocking(FOREVER, LeaseOptions.defaults());
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
                throw new IllegalMonitorStateException("lock '" + lock.name() + "' on "
                        + lock.engine().address()
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
}
