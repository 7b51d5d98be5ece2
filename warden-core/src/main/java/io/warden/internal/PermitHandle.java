package io.warden.internal;

import io.warden.LeaseLostEvent;
import io.warden.Permit;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A {@link Permit}: a lease handle (released at most once) and the units it holds. */
final class PermitHandle implements Permit {
    private final LeaseHandle lease;
    private final int units;

    PermitHandle(LeaseHandle lease, int units) {
        this.lease = lease;
        this.units = units;
    }

    @Override
    public int units() {
        return units;
    }

    LeaseState state() {
        return lease.state();
    }

    @Override
    public String lockName() {
        return lease.lockName();
    }

    @Override
    public long fencingToken() {
        return lease.fencingToken();
    }

    @Override
    public boolean isHeld() {
        return lease.isHeld();
    }

    @Override
    public Duration remaining() {
        return lease.remaining();
    }

    @Override
    public boolean isWatched() {
        return lease.isWatched();
    }

    @Override
    public void extend(Duration leaseTime) {
        lease.extend(leaseTime);
    }

    @Override
    public void onLost(Consumer<LeaseLostEvent> listener) {
        lease.onLost(listener);
    }

    @Override
    public CompletionStage<LeaseLostEvent> lostFuture() {
        return lease.lostFuture();
    }

    @Override
    public Optional<LeaseLostEvent> lostEvent() {
        return lease.lostEvent();
    }

    @Override
    public void release() {
        lease.release();
    }

    @Override
    public void release(Duration keepLockedFor) {
        lease.release(keepLockedFor);
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
        return lease.releaseAsync();
    }

    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return "Permit[" + lockName() + ", units=" + units + ", held=" + isHeld() + "]";
    }
}
