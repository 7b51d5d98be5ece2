package io.warden.internal;

import io.warden.LockAdmin;
import io.warden.LockInfo;
import io.warden.LockKeyConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Operator views over one key prefix, each a single script call (list: a SCAN, then one per key). */
final class DefaultLockAdmin implements LockAdmin {
    private final Engine engine;

    DefaultLockAdmin(Engine engine) {
        this.engine = engine;
    }

    @Override
    public LockInfo inspect(String name) {
        LockKeys keys = engine.keySpace().keys(name);
        LockStore.Inspection inspection = call(engine.wiring().store().inspect(keys), name, "inspect");
        LockInfo info = info(keys, inspection);
        return inspection.queued() == 0
                ? info
                : new LockInfo(
                        info.name(),
                        info.state(),
                        info.holder(),
                        info.ttl(),
                        info.lastFencingToken(),
                        info.foreignKey(),
                        inspection.queued(),
                        Optional.ofNullable(inspection.next()));
    }

    @Override
    public List<LockInfo> list(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        KeySpace space = engine.keySpace();
        List<String> keys;
        try {
            keys = Futures.awaitUninterruptibly(engine.wiring().store().scan(space.scanAllPattern(namePrefix)));
        } catch (RuntimeException e) {
            throw Failures.translate(e, null, engine.address(), "scan");
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> strays = new LinkedHashSet<>();
        for (String key : keys) {
            String name = space.lockNameOf(key);
            if (name != null) {
                names.add(name);
            } else {
                strays.add(key);
            }
        }
        List<LockInfo> found = new ArrayList<>();
        for (String name : names) {
            LockInfo info = inspect(name);
            if (info.state() != LockInfo.State.FREE) {
                found.add(info);
            }
        }
        for (String key : strays) {
            stray(key).ifPresent(found::add);
        }
        found.sort(Comparator.comparing(LockInfo::name));
        return found;
    }

    /** A key of the prefix that no lock name maps to, as foreign data; empty if it has gone since. */
    private Optional<LockInfo> stray(String key) {
        String name = engine.keySpace().strayName(key);
        // The key stands for both lock key and counter: one key, so one Cluster slot.
        LockKeys keys = new LockKeys(name, key, key, key + ":released");
        LockStore.Inspection inspection = call(engine.wiring().store().inspect(keys), name, "inspect");
        if (inspection.state() == LockStore.Inspection.State.FREE) {
            return Optional.empty();
        }
        return Optional.of(new LockInfo(
                name,
                LockInfo.State.FOREIGN,
                Optional.ofNullable(inspection.holder()),
                ttl(inspection.pttlMillis()),
                0,
                Optional.of(key)));
    }

    @Override
    public Optional<LockInfo> forceUnlock(String name) {
        LockKeys keys = engine.keySpace().keys(name);
        LockStore.ForceReleased reply = call(engine.wiring().store().forceRelease(keys), name, "force unlock");
        if (reply.outcome() == LockStore.Released.FOREIGN) {
            throw new LockKeyConflictException(name, engine.address(), keys.lockKey(), "not a Warden lock");
        }
        LockStore.Inspection removed = reply.removed();
        return reply.outcome() == LockStore.Released.RELEASED && removed != null
                ? Optional.of(info(keys, removed))
                : Optional.empty();
    }

    private static LockInfo info(LockKeys keys, LockStore.Inspection inspection) {
        long lastIssued = inspection.lastIssued().orElse(0);
        Optional<io.warden.HolderInfo> holder = Optional.ofNullable(inspection.holder());
        Optional<Duration> ttl = ttl(inspection.pttlMillis());
        return switch (inspection.state()) {
            case FOREIGN ->
                new LockInfo(keys.name(), LockInfo.State.FOREIGN, holder, ttl, lastIssued, Optional.of(keys.lockKey()));
            case HELD ->
                inspection.counterForeign()
                        ? new LockInfo(
                                keys.name(), LockInfo.State.FOREIGN, holder, ttl, 0, Optional.of(keys.fenceKey()))
                        : new LockInfo(keys.name(), LockInfo.State.HELD, holder, ttl, lastIssued, Optional.empty());
            case FREE ->
                inspection.counterForeign()
                        ? new LockInfo(
                                keys.name(),
                                LockInfo.State.FOREIGN,
                                Optional.empty(),
                                Optional.of(Duration.ZERO),
                                0,
                                Optional.of(keys.fenceKey()))
                        : new LockInfo(
                                keys.name(),
                                LockInfo.State.FREE,
                                Optional.empty(),
                                Optional.of(Duration.ZERO),
                                lastIssued,
                                Optional.empty());
        };
    }

    /** A PTTL reply as a TTL: -1 (no expiry) is empty; -2 (no key) is zero. */
    private static Optional<Duration> ttl(long pttlMillis) {
        return pttlMillis == -1 ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, pttlMillis)));
    }

    private <T> T call(CompletableFuture<T> reply, String name, String operation) {
        try {
            return Futures.awaitUninterruptibly(reply);
        } catch (RuntimeException e) {
            throw Failures.translate(e, name, engine.address(), operation);
        }
    }
}
