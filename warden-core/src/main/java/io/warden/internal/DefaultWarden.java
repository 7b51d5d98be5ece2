package io.warden.internal;

import io.warden.DistributedLock;
import io.warden.LockAdmin;
import io.warden.TaskLock;
import io.warden.Warden;
import io.warden.WardenMetrics;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@link Warden} facade over one {@link Engine}. */
public final class DefaultWarden implements Warden {
    private final Engine engine;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DefaultWarden(Engine engine) {
        this.engine = engine;
    }

    /** Connects to Redis as the settings say and starts the engine. */
    public static Warden open(Settings settings) {
        RedisBackend backend;
        if (!settings.clusterSeeds().isEmpty()) {
            backend = ClusterBackend.connect(settings);
        } else if (!settings.redlockNodes().isEmpty()) {
            throw new UnsupportedOperationException("being rewired");
        } else {
            backend = StandaloneBackend.connect(settings, false, null);
        }
        return new DefaultWarden(new Engine(settings, backend));
    }

    @Override
    public DistributedLock lock(String name) {
        checkOpen();
        return new DefaultLock(engine, engine.keySpace().keys(name));
    }

    @Override
    public TaskLock task(String name) {
        return new DefaultTaskLock((DefaultLock) lock(name));
    }

    @Override
    public LockAdmin admin() {
        checkOpen();
        return new DefaultLockAdmin(engine);
    }

    @Override
    public WardenMetrics metrics() {
        return engine.metrics().snapshot();
    }

    @Override
    public String redisAddress() {
        return engine.address();
    }

    @Override
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
