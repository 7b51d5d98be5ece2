package io.warden.internal;

import io.warden.LeaseLostEvent;
import io.warden.LossCause;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one lease tells that it was lost: at most once, to every listener registered before or
 * after, and to its future, always on the callback executor (never on a store or scheduler
 * thread), with a loud log line and a metric. Listeners can be removed (guarded calls do), so they
 * never pile up on a long-held lease. Thread-safe.
 */
final class LossSignal {
    private static final Logger log = LoggerFactory.getLogger(LossSignal.class);

    private final Wiring wiring;
    private final String name;
    // Created on first use: most leases never have a listener, a future asked for, or a loss.
    private @Nullable CompletableFuture<LeaseLostEvent> future;
    private @Nullable List<Consumer<LeaseLostEvent>> listeners;
    private @Nullable LeaseLostEvent event;
    /** The future of a loss announced already is completed by whoever creates it. */
    private boolean announced;

    LossSignal(Wiring wiring, String name) {
        this.wiring = wiring;
        this.name = name;
    }

    synchronized @Nullable LeaseLostEvent event() {
        return event;
    }

    CompletableFuture<LeaseLostEvent> future() {
        CompletableFuture<LeaseLostEvent> created;
        LeaseLostEvent lost;
        synchronized (this) {
            if (future != null) {
                return future;
            }
            created = new CompletableFuture<>();
            future = created;
            lost = announced ? event : null;
        }
        if (lost != null) {
            created.complete(lost); // nothing depends on it yet: completing it here runs no callback
        }
        return created;
    }

    /** Registers a listener (told at once if the loss already happened); the action removes it. */
    Runnable listen(Consumer<LeaseLostEvent> listener) {
        LeaseLostEvent already;
        synchronized (this) {
            already = event;
            if (already == null) {
                if (listeners == null) {
                    listeners = new ArrayList<>(2);
                }
                listeners.add(listener);
                return () -> remove(listener);
            }
        }
        dispatch(listener, already);
        return () -> {};
    }

    private synchronized void remove(Consumer<LeaseLostEvent> listener) {
        if (listeners != null) {
            listeners.remove(listener);
        }
    }

    synchronized int listenerCount() {
        return listeners == null ? 0 : listeners.size();
    }

    /**
     * Records the loss and returns the listeners to tell with {@link #announce}, or null if a loss
     * was recorded already. Two steps, so that the owner can end the lease in between: the lease
     * is gone from the watchdog and the local gate before any listener runs.
     */
    synchronized @Nullable List<Consumer<LeaseLostEvent>> record(LeaseLostEvent lost) {
        if (event != null) {
            return null;
        }
        event = lost;
        List<Consumer<LeaseLostEvent>> toTell = listeners == null ? List.of() : listeners;
        listeners = null;
        return toTell;
    }

    /** Logs, counts and tells a loss {@link #record}ed before, on the callback executor. */
    void announce(LeaseLostEvent lost, List<Consumer<LeaseLostEvent>> toTell) {
        wiring.metrics().lost(lost.cause());
        wiring.listeners().leaseLost(lost);
        if (lost.cause() == LossCause.WARDEN_CLOSED) {
            log.info("lock '{}' (fencing token {}) released because Warden closed", name, lost.fencingToken());
        } else {
            log.warn(
                    "LEASE LOST: lock '{}' (fencing token {}) held for {} ms: {} - {}",
                    name,
                    lost.fencingToken(),
                    lost.heldFor().toMillis(),
                    lost.cause(),
                    lost.detail());
        }
        CompletableFuture<LeaseLostEvent> asked;
        synchronized (this) {
            announced = true;
            asked = future;
        }
        if (asked != null) {
            wiring.runCallback(() -> asked.complete(lost));
        }
        for (Consumer<LeaseLostEvent> listener : toTell) {
            dispatch(listener, lost);
        }
    }

    private void dispatch(Consumer<LeaseLostEvent> listener, LeaseLostEvent lost) {
        wiring.runCallback(() -> {
            try {
                listener.accept(lost);
            } catch (RuntimeException | Error e) {
                log.error("a lease-lost listener of lock '{}' threw", name, e);
            }
        });
    }
}
