package io.warden.internal;

import io.warden.AcquireOutcome;
import io.warden.LeaseLostEvent;
import io.warden.WardenListener;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WardenListener}s of one Warden, and how they are told: synchronously, on the thread
 * where the event happened, each one's exceptions contained so that a listener never changes a
 * lock's outcome nor keeps the others from hearing. Costs one volatile read when none is
 * registered. Thread-safe.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(WardenListener.class);

    private final CopyOnWriteArrayList<WardenListener> registered = new CopyOnWriteArrayList<>();
    /** Listeners that threw once already: later exceptions are logged at debug level. */
    private final Set<WardenListener> complained =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    void add(WardenListener listener) {
        registered.addIfAbsent(Objects.requireNonNull(listener, "listener"));
    }

    boolean remove(WardenListener listener) {
        complained.remove(listener);
        return registered.remove(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Whether any listener is registered: callers on hot paths check it before working out an
     * event's arguments (a lock's name is derived from its key when asked, see {@link LockKeys}).
     */
    boolean active() {
        return !registered.isEmpty();
    }

    void acquire(String lock, AcquireOutcome outcome, long waitedNanos) {
        if (!registered.isEmpty()) {
            Duration waited = Duration.ofNanos(Math.max(0, waitedNanos));
            tell(l -> l.onAcquire(lock, outcome, waited));
        }
    }

    void release(String lock, long heldNanos) {
        if (!registered.isEmpty()) {
            Duration held = Duration.ofNanos(Math.max(0, heldNanos));
            tell(l -> l.onRelease(lock, held));
        }
    }

    void leaseLost(LeaseLostEvent event) {
        if (!registered.isEmpty()) {
            tell(l -> l.onLeaseLost(event));
        }
    }

    void renewalSent(String lock) {
        if (!registered.isEmpty()) {
            tell(l -> l.onRenewalSent(lock));
        }
    }

    void renewalRoundTrip(int renewals) {
        if (!registered.isEmpty()) {
            tell(l -> l.onRenewalRoundTrip(renewals));
        }
    }

    void taskRun(String task) {
        if (!registered.isEmpty()) {
            tell(l -> l.onTaskRun(task));
        }
    }

    void taskSkipped(String task) {
        if (!registered.isEmpty()) {
            tell(l -> l.onTaskSkipped(task));
        }
    }

    private void tell(Consumer<WardenListener> event) {
        for (WardenListener listener : registered) {
            try {
                event.accept(listener);
            } catch (RuntimeException | Error e) {
                if (complained.add(listener)) {
                    log.error(
                            "Warden listener {} threw; its exceptions are contained (later ones logged at debug)",
                            listener,
                            e);
                } else {
                    log.debug("Warden listener {} threw again: {}", listener, e.toString());
                }
            }
        }
    }
}
