package io.warden.internal;

import io.lettuce.core.RedisURI;
import io.warden.Backoff;
import io.warden.LossPolicy;
import io.warden.TaskLock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Warden engines on one fake clock, sharing one in-memory Redis: each {@link Node} is a process
 * with its own client. Tasks (watchdog ticks, timers, callbacks, release messages) run only when the
 * test moves the {@link FakeScheduler}. On a bare {@link MemoryStore} every command completes at
 * once, so even the blocking API returns without waiting (the test thread never parks); a wrapped
 * store (delays, pauses) must be driven with the asynchronous API only.
 */
final class FakeTimeWardens {
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    final FakeTicker ticker = new FakeTicker();
    final FakeScheduler scheduler = new FakeScheduler(ticker, 42);
    /** A client of the simulated server for the test's own look (pttl, exists). */
    final MemoryStore redis = new MemoryStore(ticker, scheduler);

    /** A process's Warden: its engine, counters and store. */
    record Node(Engine engine, Metrics metrics, LockStore store) {
        DefaultLock lock(String name) {
            return new DefaultLock(engine, engine.keySpace().keys(name));
        }

        TaskLock task(String name) {
            return new DefaultTaskLock(lock(name));
        }

        Watchdog watchdog() {
            return engine.watchdog();
        }
    }

    /** Settings as {@code Warden.builder()} leaves them, changed by {@code change}. */
    static Settings settings(UnaryOperator<Settings> change) {
        return change.apply(new Settings(
                Connection.to(RedisURI.create("redis://sim:6379"), Duration.ofSeconds(3)),
                "warden",
                DEFAULT_LEASE,
                Duration.ofSeconds(30),
                3,
                true,
                Backoff.defaults(),
                LossPolicy.INTERRUPT,
                null,
                null,
                false));
    }

    static Settings withLease(Settings s, Duration lease) {
        return new Settings(
                s.connection(),
                s.keyPrefix(),
                lease,
                s.defaultWait(),
                s.renewalsPerLease(),
                s.fencing(),
                s.waitBackoff(),
                s.lossPolicy(),
                null,
                s.fencingTokens(),
                s.noticeForcedUnlock());
    }

    static Settings withBackoff(Settings s, Backoff backoff) {
        return new Settings(
                s.connection(),
                s.keyPrefix(),
                s.defaultLeaseTime(),
                s.defaultWait(),
                s.renewalsPerLease(),
                s.fencing(),
                backoff,
                s.lossPolicy(),
                null,
                s.fencingTokens(),
                s.noticeForcedUnlock());
    }

    /** A process with default settings on its own client. */
    Node node() {
        return node(UnaryOperator.identity());
    }

    Node node(UnaryOperator<Settings> change) {
        return node(redis.connect(), change);
    }

    /** A process reaching the server through {@code store} (a client of {@link #redis}, maybe wrapped). */
    Node node(LockStore store, UnaryOperator<Settings> change) {
        Metrics metrics = new Metrics();
        Wiring wiring = new Wiring(
                store,
                ticker,
                scheduler,
                scheduler,
                metrics,
                new Listeners(),
                settings(change),
                new HostIdentity("h", 1));
        return new Node(new Engine(wiring, () -> {}), metrics, store);
    }

    /** Nanoseconds of fake time since {@code start}. */
    long since(long start) {
        return ticker.nanos() - start;
    }
}
