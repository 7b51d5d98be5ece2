package io.warden.internal;

import io.warden.WardenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Warden's lock machinery: the local gates of lock names ({@link LockTable}), the shared
 * release subscriptions and the {@link Watchdog}, built from the {@link Wiring} it is given. It
 * starts acquisitions and closes everything down; it creates no thread and reads no clock of its
 * own, so the same engine runs on real threads or on a simulation's fake clock.
 */
final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final Wiring wiring;
    private final KeySpace keySpace;
    private final ReleaseSubscriptions subscriptions;
    private final LockTable table;
    private final Watchdog watchdog;
    private final Map<String, SemaphoreGate> semaphores = new ConcurrentHashMap<>();
    private final Runnable stopThreads;
    /** Names this Warden's wake channels of fair locks: unguessable, one per Warden. */
    private final String instance = OwnerTokens.next().substring(0, 16);

    private volatile boolean closed;

    /** {@code stopThreads} runs last on close: it stops whatever runs the scheduler and callbacks. */
    Engine(Wiring wiring, Runnable stopThreads) {
        this.wiring = wiring;
        this.stopThreads = stopThreads;
        this.keySpace = new KeySpace(wiring.settings().keyPrefix());
        this.subscriptions = new ReleaseSubscriptions(wiring.store(), wiring.scheduler());
        this.watchdog = new Watchdog(wiring);
        this.table = new LockTable(subscriptions, watchdog);
    }

    Wiring wiring() {
        return wiring;
    }

    Settings settings() {
        return wiring.settings();
    }

    String address() {
        return wiring.address();
    }

    /** True once {@link #close} began: nothing new may start. */
    boolean isClosed() {
        return closed;
    }

    KeySpace keySpace() {
        return keySpace;
    }

    /** This Warden's part of its fair locks' wake channel names. */
    String instance() {
        return instance;
    }

    LockTable table() {
        return table;
    }

    Watchdog watchdog() {
        return watchdog;
    }

    /** Starts an acquisition; its result completes when acquired, refused, or cancelled. */
    Acquisition acquire(LockKeys keys, Object owner, boolean reentrant, LeaseSpec spec, long waitNanos) {
        Acquisition acquisition = new Acquisition(wiring, table, watchdog, keys, owner, reentrant, spec, waitNanos);
        if (closed) {
            acquisition.fail(new WardenException(keys.name(), address(), "Warden is closed", null));
        } else {
            acquisition.begin();
        }
        return acquisition;
    }

    /** Starts taking permits of a semaphore; the result completes when acquired, refused, or cancelled. */
    PermitAcquisition acquirePermits(
            SemaphoreKeys keys, LockStore.PermitRequest request, LeaseSpec spec, long waitNanos) {
        SemaphoreGate gate = semaphores.computeIfAbsent(keys.name(), n -> new SemaphoreGate(keys, subscriptions));
        PermitAcquisition acquisition = new PermitAcquisition(wiring, watchdog, gate, request, spec, waitNanos);
        if (closed) {
            acquisition.fail(new WardenException(keys.name(), address(), "Warden is closed", null));
        } else {
            acquisition.begin();
        }
        return acquisition;
    }

    /** Fails every waiter, releases every held lease, stops threads and closes the store. */
    void close() {
        closed = true;
        watchdog.stop();
        List<CompletableFuture<?>> releases = new ArrayList<>();
        for (LockEntry entry : table.snapshot()) {
            for (LockEntry.Waiter waiter : entry.drainWaiters()) {
                waiter.fail(
                        new WardenException(entry.keys().name(), address(), "Warden was closed while waiting", null));
            }
            LeaseState holder = entry.holder();
            if (holder != null) {
                releases.add(holder.closeByWarden());
            }
        }
        for (SemaphoreGate gate : semaphores.values()) {
            for (SemaphoreGate.Waiter waiter : gate.drainWaiters()) {
                waiter.fail(
                        new WardenException(gate.keys().name(), address(), "Warden was closed while waiting", null));
            }
            for (LeaseState permit : gate.heldPermits()) {
                releases.add(permit.closeByWarden());
            }
        }
        try {
            CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                    .get(wiring.settings().commandTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            log.warn("not every lease was confirmed released while closing; they expire with their leases");
        }
        subscriptions.clear();
        wiring.store().close();
        stopThreads.run();
    }
}
