package io.warden.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A {@link LockStore} that passes every call to {@code inner}; tests override what they watch. */
abstract class ForwardingStore implements LockStore {
    protected final LockStore inner;

    ForwardingStore(LockStore inner) {
        this.inner = inner;
    }

    @Override
    public String address() {
        return inner.address();
    }

    @Override
    public CompletableFuture<Acquired> acquire(
            LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
        return inner.acquire(keys, token, ttlMillis, stamp, waits);
    }

    @Override
    public CompletableFuture<List<Ownership>> renew(List<Renewal> batch) {
        return inner.renew(batch);
    }

    @Override
    public CompletableFuture<Acquired> acquireFair(
            LockKeys keys, Ticket ticket, String token, long ttlMillis, Stamp stamp) {
        return inner.acquireFair(keys, ticket, token, ttlMillis, stamp);
    }

    @Override
    public CompletableFuture<Released> leaveQueue(LockKeys keys, Ticket ticket, String token) {
        return inner.leaveQueue(keys, ticket, token);
    }

    @Override
    public CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce) {
        return inner.release(keys, token, keepMillis, announce);
    }

    @Override
    public boolean handsOff(LockKeys keys) {
        return inner.handsOff(keys);
    }

    @Override
    public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
        return inner.releaseTo(keys, token, next);
    }

    @Override
    public CompletableFuture<Inspection> inspect(LockKeys keys) {
        return inner.inspect(keys);
    }

    @Override
    public CompletableFuture<ForceReleased> forceRelease(LockKeys keys) {
        return inner.forceRelease(keys);
    }

    @Override
    public CompletableFuture<PermitAcquired> acquirePermit(
            SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp) {
        return inner.acquirePermit(keys, request, token, ttlMillis, stamp);
    }

    @Override
    public CompletableFuture<Released> releasePermit(
            SemaphoreKeys keys, String token, int units, long keepMillis, boolean announce) {
        return inner.releasePermit(keys, token, units, keepMillis, announce);
    }

    @Override
    public CompletableFuture<SemaphoreInspection> inspectSemaphore(SemaphoreKeys keys) {
        return inner.inspectSemaphore(keys);
    }

    @Override
    public CompletableFuture<Integer> forceReleaseSemaphore(SemaphoreKeys keys) {
        return inner.forceReleaseSemaphore(keys);
    }

    @Override
    public int renewalGroup(String lockKey) {
        return inner.renewalGroup(lockKey);
    }

    @Override
    public void onReleaseMessage(Consumer<String> listener) {
        inner.onReleaseMessage(listener);
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return inner.subscribe(channel);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return inner.unsubscribe(channel);
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return inner.scan(pattern);
    }

    @Override
    public void close() {
        inner.close();
    }
}
