package io.warden.internal;

import io.warden.DistributedLock;
import io.warden.DistributedReadWriteLock;
import io.warden.DistributedSemaphore;
import io.warden.LeaderElection;
import io.warden.LockAdmin;
import io.warden.TaskLock;
import io.warden.WardenListener;
import io.warden.WardenMetrics;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running Warden: one {@link Engine} and the threads it owns. The public {@code io.warden.Warden}
 * is a facade over this class, which does not know that API type, so the two packages' classes
 * depend on each other in one direction only.
 */
public final class WardenCore {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Engine engine;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WardenCore(Engine engine) {
        this.engine = engine;
    }

    /** Connects to Redis as the settings say and starts the engine on real threads. */
    public static WardenCore open(Settings settings) {
        Ticker ticker = Ticker.SYSTEM; // the one place the real clock is chosen
        LockStore store = connect(settings.connection(), ticker);
        int instance = INSTANCES.incrementAndGet();
        ExecutorScheduler scheduler = new ExecutorScheduler("warden-" + instance + "-scheduler");
        Executor configured = settings.callbackExecutor();
        final ExecutorService ownedCallbacks;
        final Executor callbacks;
        if (configured == null) {
            ownedCallbacks = new ThreadPoolExecutor(
                    0,
                    Integer.MAX_VALUE,
                    30,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    Threads.daemon("warden-" + instance + "-callback"));
            callbacks = ownedCallbacks;
        } else {
            ownedCallbacks = null;
            callbacks = configured;
        }
        Wiring wiring = new Wiring(
                store, ticker, scheduler, callbacks, new Metrics(), new Listeners(), settings, HostIdentity.current());
        return new WardenCore(new Engine(wiring, () -> {
            scheduler.shutdown();
            if (ownedCallbacks != null) {
                stop(ownedCallbacks);
            }
        }));
    }

    private static LockStore connect(Connection settings, Ticker ticker) {
        if (!settings.clusterSeeds().isEmpty()) {
            return new ScriptStore(ClusterBackend.connect(settings, ticker));
        }
        if (!settings.redlockNodes().isEmpty()) {
            return RedlockStore.connect(settings, ticker);
        }
        return new ScriptStore(StandaloneBackend.connect(settings, false, null));
    }

    private static void stop(ExecutorService pool) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public DistributedLock lock(String name) {
        checkOpen();
        return new DefaultLock(engine, engine.keySpace().keys(name));
    }

    /** A semaphore handle; refused on Redlock (see {@link io.warden.DistributedSemaphore}). */
    public DistributedSemaphore semaphore(String name, int permits) {
        checkOpen();
        KeySpace.validateName(name);
        if (engine.wiring().store() instanceof RedlockStore) {
            throw new UnsupportedOperationException("semaphore '" + name + "': semaphores are not available on"
                    + " Redlock (a count spread over independent masters cannot be checked atomically); use a"
                    + " single Redis, Sentinel or Cluster");
        }
        return new DefaultSemaphore(engine, engine.keySpace().semaphoreKeys(name), permits, false);
    }

    public DistributedReadWriteLock readWriteLock(String name) {
        checkOpen();
        if (!engine.settings().connection().redlockNodes().isEmpty()) {
            throw new UnsupportedOperationException("read-write lock '" + name + "': not supported on Redlock"
                    + " (its readers' keys and the writer's check of them would need a quorum of their own);"
                    + " use a single Redis, Sentinel or Cluster");
        }
        return new DefaultReadWriteLock(engine, name);
    }

    public TaskLock task(String name) {
        return new DefaultTaskLock((DefaultLock) lock(name));
    }

    public LeaderElection leader(String name, Duration leaseTime) {
        Durations.leaseNanos(leaseTime, "lease time", name);
        return new DefaultLeaderElection((DefaultLock) lock(name), leaseTime);
    }

    public Duration defaultLeaseTime() {
        return engine.settings().defaultLeaseTime();
    }

    public LockAdmin admin() {
        checkOpen();
        return new DefaultLockAdmin(engine);
    }

    public WardenMetrics metrics() {
        return engine.wiring().metrics().snapshot();
    }

    public void addListener(WardenListener listener) {
        engine.wiring().listeners().add(listener);
    }

    public boolean removeListener(WardenListener listener) {
        return engine.wiring().listeners().remove(listener);
    }

    public String redisAddress() {
        return engine.address();
    }

    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.close();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Warden on " + engine.address() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "Warden[" + engine.address() + ", prefix=" + engine.keySpace().prefix() + "]";
    }
}
