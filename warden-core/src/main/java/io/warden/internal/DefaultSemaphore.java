package io.warden.internal;

import io.warden.DistributedSemaphore;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.Permit;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A semaphore handle: validates arguments, starts permit acquisitions and waits for them as asked. */
final class DefaultSemaphore implements DistributedSemaphore {
    private final Engine engine;
    private final SemaphoreKeys keys;
    private final int permits;
    private final boolean resize;

    DefaultSemaphore(Engine engine, SemaphoreKeys keys, int permits, boolean resize) {
        this.engine = engine;
        this.keys = keys;
        this.permits = checkPermits(keys.name(), permits);
        this.resize = resize;
    }

    static int checkPermits(String name, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("semaphore '" + name + "': permits must be at least 1, got " + permits);
        }
        return permits;
    }

    @Override
    public String name() {
        return keys.name();
    }

    @Override
    public int permits() {
        return permits;
    }

    @Override
    public Permit acquire(Duration wait) throws InterruptedException {
        return acquire(1, wait);
    }

    @Override
    public Permit acquire(int units, Duration wait) throws InterruptedException {
        return acquire(units, wait, LeaseOptions.defaults());
    }

    @Override
    public Permit acquire(int units, Duration wait, LeaseOptions options) throws InterruptedException {
        PermitAcquisition acquisition = start(units, waitNanos(wait), options);
        try {
            return handle(Futures.await(acquisition.result), units);
        } catch (InterruptedException e) {
            if (!acquisition.cancel()) {
                LeaseState acquired =
                        acquisition.result.isCompletedExceptionally() ? null : acquisition.result.getNow(null);
                if (acquired != null) {
                    acquired.giveBack();
                }
            }
            throw e;
        }
    }

    @Override
    public Optional<Permit> tryAcquire() {
        return tryAcquire(1);
    }

    @Override
    public Optional<Permit> tryAcquire(int units) {
        PermitAcquisition acquisition = start(units, 0, LeaseOptions.defaults());
        try {
            return Optional.of(handle(Futures.awaitUninterruptibly(acquisition.result), units));
        } catch (LockTimeoutException e) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(Duration wait) {
        return acquireAsync(1, wait);
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(int units, Duration wait) {
        PermitAcquisition acquisition = start(units, waitNanos(wait), LeaseOptions.defaults());
        CompletableFuture<Permit> caller = new CompletableFuture<>();
        Futures.onCompletion(
                acquisition.result,
                (state, error) -> engine.wiring().runCallback(() -> {
                    if (error != null) {
                        caller.completeExceptionally(Failures.unwrap(error));
                    } else if (!caller.complete(handle(state, units))) {
                        state.giveBack(); // the caller cancelled while the permit arrived
                    }
                }));
        caller.whenComplete((permit, error) -> {
            if (caller.isCancelled()) {
                acquisition.cancel();
            }
        });
        return caller;
    }

    @Override
    public DistributedSemaphore resize(int newPermits) {
        return new DefaultSemaphore(engine, keys, newPermits, true);
    }

    private PermitAcquisition start(int units, long waitNanos, LeaseOptions options) {
        Objects.requireNonNull(options, "options");
        if (units < 1 || units > permits) {
            throw new IllegalArgumentException("semaphore '" + keys.name() + "': cannot acquire " + units
                    + " permits of " + permits + " (between 1 and the semaphore's " + permits + ")");
        }
        return engine.acquirePermits(
                keys,
                new LockStore.PermitRequest(units, permits, resize),
                LeaseSpec.of(options, engine.settings()),
                waitNanos);
    }

    private Permit handle(LeaseState state, int units) {
        return new PermitHandle(
                new LeaseHandle(state, engine.address(), engine.settings().fencing()), units);
    }

    private long waitNanos(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException(
                    "semaphore '" + keys.name() + "': wait must not be negative, got " + wait);
        }
        try {
            return wait.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "DistributedSemaphore[" + keys.name() + ", permits=" + permits + " on " + engine.address() + "]";
    }
}
