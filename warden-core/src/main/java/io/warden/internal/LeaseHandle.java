package io.warden.internal;

import io.warden.Lease;
import io.warden.LeaseLostEvent;
import io.warden.LeaseNotHeldException;
import io.warden.RedisUnavailableException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** One acquisition's handle on a (possibly shared, re-entrant) lease. Released at most once. */
final class LeaseHandle implements Lease {
    private final LeaseState state;
    private final String address;
    private final boolean fencing;
    /** Set by the one release that goes through; compare-and-set through {@link #RELEASED} (no AtomicBoolean per handle). */
    private volatile boolean released;

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(LeaseHandle.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    LeaseHandle(LeaseState state, String address, boolean fencing) {
        this.state = state;
        this.address = address;
        this.fencing = fencing;
    }

    @Override
    public String lockName() {
        return state.name();
    }

    @Override
    public long fencingToken() {
        if (!fencing) {
            throw new IllegalStateException("lock '" + state.name() + "': fencing tokens are disabled for this Warden");
        }
        return state.fence();
    }

    @Override
    public boolean isHeld() {
        return !released && state.isHeld();
    }

    @Override
    public Duration remaining() {
        return released ? Duration.ZERO : state.remaining();
    }

    @Override
    public boolean isWatched() {
        return !released && state.isWatched();
    }

    LeaseState state() {
        return state;
    }

    @Override
    public void extend(Duration leaseTime) {
        long nanos = Durations.leaseNanos(leaseTime, "lease time", state.name());
        if (released) {
            throw alreadyReleased();
        }
        state.extend(nanos);
    }

    /** Moves the maximum hold to {@code maxHoldNanos} from now (task runs' extend); see {@link LeaseState#extendHold}. */
    void extendHold(long maxHoldNanos) {
        if (released) {
            throw alreadyReleased();
        }
        state.extendHold(maxHoldNanos);
    }

    @Override
    public void onLost(Consumer<LeaseLostEvent> listener) {
        state.onLost(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public CompletionStage<LeaseLostEvent> lostFuture() {
        return state.lostFuture().minimalCompletionStage();
    }

    @Override
    public Optional<LeaseLostEvent> lostEvent() {
        return Optional.ofNullable(state.lostEvent());
    }

    @Override
    public void release() {
        releaseKeeping(0);
    }

    @Override
    public void release(Duration keepLockedFor) {
        releaseKeeping(Durations.leaseNanosOrZero(keepLockedFor, "keepLockedFor", state.name()));
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
        return releaseKeepingAsync(0);
    }

    /** Releases; the last hold keeps the key {@code keepNanos} longer instead of deleting it. */
    void releaseKeeping(long keepNanos) {
        Futures.awaitUninterruptibly(releaseKeepingAsync(keepNanos));
    }

    private CompletableFuture<Void> releaseKeepingAsync(long keepNanos) {
        if (!RELEASED.compareAndSet(this, false, true)) {
            return CompletableFuture.failedFuture(alreadyReleased());
        }
        return state.releaseAsync(keepNanos).whenComplete((ok, error) -> {
            if (Failures.unwrap(error) instanceof RedisUnavailableException) {
                released = false; // outcome unknown: the caller may retry
            }
        });
    }

    @Override
    public void close() {
        release();
    }

    private LeaseNotHeldException alreadyReleased() {
        return new LeaseNotHeldException(
                state.name(),
                address,
                LeaseNotHeldException.Reason.ALREADY_RELEASED,
                "this lease handle was already released");
    }

    @Override
    public String toString() {
        return "Lease[" + state.name() + ", fencingToken=" + state.fence() + ", held=" + isHeld() + "]";
    }
}
