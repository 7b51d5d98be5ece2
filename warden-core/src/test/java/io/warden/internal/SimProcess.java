package io.warden.internal;

import io.lettuce.core.RedisURI;
import io.warden.Backoff;
import io.warden.LossPolicy;
import io.warden.internal.sim.FaultPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated process: its own client connection to the shared server (behind its own {@link
 * FaultyStore}), its own {@link Engine} with its own identity, sharing the world's fake clock and
 * scheduler (which is also its callback executor), and the clients that use its locks.
 */
final class SimProcess {
    final String name;
    final FaultyStore store;
    final Engine engine;
    final List<SimClient> clients = new ArrayList<>();
    private final Map<String, DefaultLock> locks = new TreeMap<>();

    SimProcess(SimWorld world, int index, FaultPlan plan, Duration defaultLease, long seed) {
        this.name = "p" + index;
        this.store = new FaultyStore(world.server.connect(), world.scheduler, plan, seed, world.trace, name);
        store.nameTokens(world::alias);
        store.onServerRelease(world.invariants::serverReleased);
        Settings settings = new Settings(
                Connection.to(RedisURI.create("redis://sim:6379"), plan.commandTimeout()),
                "warden",
                defaultLease,
                Duration.ofSeconds(5),
                3,
                true,
                // Backoff jitter uses ThreadLocalRandom; a backoff longer than any TTL here makes
                // every timed wake the holder's TTL instead (the waiter sleeps min(backoff, pttl)),
                // so seeds replay exactly. Release messages still wake waiters early.
                Backoff.exponential(Duration.ofSeconds(30), Duration.ofSeconds(30)),
                LossPolicy.INTERRUPT,
                world.scheduler,
                null,
                false);
        Wiring wiring = new Wiring(
                store,
                world.scheduler.ticker(),
                world.scheduler,
                world.scheduler,
                new Metrics(),
                new Listeners(),
                settings,
                new HostIdentity("host-" + index, 1000 + index));
        this.engine = new Engine(wiring, () -> {});
    }

    DefaultLock lock(String lockName) {
        return locks.computeIfAbsent(
                lockName, n -> new DefaultLock(engine, engine.keySpace().keys(n)));
    }

    /** Closes the engine without blocking: its store answers directly from now on. */
    void close() {
        store.resume();
        store.bypass();
        engine.close();
    }
}
