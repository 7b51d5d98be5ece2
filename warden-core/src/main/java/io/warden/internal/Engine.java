package io.warden.internal;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one Warden's parts together and owns its threads: the scheduler (watchdog ticks and
 * waiters' timers) and the callback pool (listeners, async completions). Every other internal class
 * reaches its collaborators through here.
 */
final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Settings settings;
    private final RedisBackend backend;
    private final KeySpace keySpace;
    private final HostIdentity identity = HostIdentity.current();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService ownedCallbacks;
    private final Executor callbacks;
    private final Metrics metrics = new Metrics();
    private final ReleaseSubscriptions subscriptions;
    private final LockTable table;
    private final Watchdog watchdog;
    private volatile boolean closed;

    Engine(Settings settings, RedisBackend backend) {
        int instance = INSTANCES.incrementAndGet();
        this.settings = settings;
        this.backend = backend;
        this.keySpace = new KeySpace(settings.keyPrefix());
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("warden-" + instance + "-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        if (settings.callbackExecutor() == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    0,
                    Integer.MAX_VALUE,
                    30,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    daemonThreads("warden-" + instance + "-callback"));
            this.ownedCallbacks = pool;
            this.callbacks = pool;
        } else {
            this.ownedCallbacks = null;
            this.callbacks = settings.callbackExecutor();
        }
        this.subscriptions = new ReleaseSubscriptions(backend);
        this.table = new LockTable(this);
        this.watchdog = new Watchdog(this);
    }

    Settings settings() {
        return settings;
    }

    RedisBackend backend() {
        return backend;
    }

    String address() {
        return backend.address();
    }

    KeySpace keySpace() {
        return keySpace;
    }

    HostIdentity identity() {
        return identity;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Runs {@code task} on the callback executor, or inline if that was shut down. */
    void runCallback(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    Metrics metrics() {
        return metrics;
    }

    ReleaseSubscriptions subscriptions() {
        return subscriptions;
    }

    LockTable table() {
        return table;
    }

    Watchdog watchdog() {
        return watchdog;
    }

    /** Starts an acquisition; its result completes when acquired, refused, or cancelled. */
    Acquisition acquire(LockKeys keys, Object owner, boolean reentrant, LeaseSpec spec, long waitNanos) {
        Acquisition acquisition = new Acquisition(this, keys, owner, reentrant, spec, waitNanos);
        if (closed) {
            acquisition.fail(new io.warden.WardenException(keys.name(), address(), "Warden is closed", null));
        } else {
            acquisition.begin();
        }
        return acquisition;
    }

    void leaseAcquired(LeaseState lease) {
        metrics.acquisitions.increment();
        metrics.leasesHeld.increment();
        watchdog.track(lease);
    }

    void leaseEnded(LeaseState lease, LockEntry entry) {
        metrics.leasesHeld.decrement();
        watchdog.forget(lease);
        entry.holderEnded(lease);
    }

    /**
     * Runs the owner-checked release script: deletes the key (and wakes waiters), or with {@code
     * keepMillis > 0} keeps it that much longer. Completes with the script's reply code.
     */
    CompletableFuture<Long> release(LockKeys keys, String token, long keepMillis) {
        return backend.eval(
                LuaScript.RELEASE,
                ScriptOutputType.INTEGER,
                new String[] {keys.lockKey()},
                token,
                keys.channel(),
                Long.toString(keepMillis),
                backend.shardedPubSub() ? "s" : "p");
    }

    /** Owner-checked release of a key this process may hold but tracks nowhere; errors ignored. */
    void releaseQuietly(LockKeys keys, String token) {
        release(keys, token, 0).whenComplete((code, error) -> {
            if (error != null) {
                log.debug(
                        "best-effort release of '{}' failed; the key expires with its lease: {}",
                        keys.name(),
                        Failures.rootMessage(error));
            }
        });
    }

    /** Fails every waiter, releases every held lease, stops threads and closes connections. */
    void close() {
        closed = true;
        watchdog.stop();
        List<CompletableFuture<?>> releases = new ArrayList<>();
        for (LockEntry entry : table.snapshot()) {
            for (Acquisition waiter : entry.drainWaiters()) {
                waiter.fail(new io.warden.WardenException(
                        entry.keys().name(), address(), "Warden was closed while waiting", null));
            }
            LeaseState holder = entry.holder();
            if (holder != null) {
                releases.add(holder.closeByWarden());
            }
        }
        try {
            CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                    .get(settings.commandTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("not every lease was confirmed released while closing; they expire with their leases");
        }
        subscriptions.clear();
        backend.close();
        scheduler.shutdownNow();
        if (ownedCallbacks != null) {
            ownedCallbacks.shutdown();
            try {
                if (!ownedCallbacks.awaitTermination(2, TimeUnit.SECONDS)) {
                    ownedCallbacks.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownedCallbacks.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
