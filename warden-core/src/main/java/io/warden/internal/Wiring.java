package io.warden.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What the engine's parts share, all chosen once by whoever builds the engine: the store, the
 * clock and scheduler (real, or fake in simulations), the executor that runs user callbacks, the
 * counters, the event listeners, the settings and this process's identity. Immutable; it holds no engine part, so no
 * part can reach another through it.
 */
record Wiring(
        LockStore store,
        Ticker ticker,
        Scheduler scheduler,
        Executor callbacks,
        Metrics metrics,
        Listeners listeners,
        Settings settings,
        HostIdentity identity) {

    String address() {
        return store.address();
    }

    /** Runs {@code task} on the callback executor, or inline if that was shut down. */
    void runCallback(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
