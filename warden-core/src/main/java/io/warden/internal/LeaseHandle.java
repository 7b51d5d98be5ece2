package io.warden.internal;

import io.warden.Lease;
import io.warden.LeaseLostEvent;
import io.warden.LeaseNotHeldException;
import io.warden.RedisUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** One acquisition's handle on a (possibly shared, re-entrant) lease. Released at most once. */
final class LeaseHandle implements Lease {
    private final LeaseState state;
    private final String address;
    private final boolean fencing;
    private final AtomicBoolean released = new AtomicBoolean();

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
        return !released.get() && state.isHeld();
    }

    @Override
    public Duration remaining() {
        return released.get() ? Duration.ZERO : state.remaining();
    }

    @Override
    public boolean isWatched() {
        return !released.get() && state.isWatched();
    }

    @Override
    public void extend(Duration leaseTime) {
        Objects.requireNonNull(leaseTime, "leaseTime");
        if (leaseTime.isZero() || leaseTime.isNegative()) {
            throw new IllegalArgumentException(
                    "lock '" + state.name() + "': lease time must be positive, got " + leaseTime);
        }
        if (released.get()) {
            throw alreadyReleased();
        }
        state.extend(leaseTime);
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

    /** Releases; the last hold keeps the key {@code keepNanos} longer instead of deleting it. */
    void releaseKeeping(long keepNanos) {
        if (!released.compareAndSet(false, true)) {
            throw alreadyReleased();
        }
        try {
            state.release(keepNanos);
        } catch (RedisUnavailableException e) {
            released.set(false); // not confirmed: the caller may retry
            throw e;
        }
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
