package io.warden.internal;

import io.warden.HolderInfo;
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

/** Operator views over one key prefix, each a single script call (list: a SCAN, then one per lock). */
final class DefaultLockAdmin implements LockAdmin {
    private final Engine engine;

    DefaultLockAdmin(Engine engine) {
        this.engine = engine;
    }

    @Override
    public LockInfo inspect(String name) {
        LockKeys keys = engine.keySpace().keys(name);
        LockStore.Inspection inspection = call(engine.wiring().store().inspect(keys), name, "inspect");
        long lastIssued = inspection.lastIssued().orElse(0);
        Duration ttl = inspection.pttlMillis() > 0 ? Duration.ofMillis(inspection.pttlMillis()) : Duration.ZERO;
        return switch (inspection.state()) {
            case HELD ->
                new LockInfo(name, LockInfo.State.HELD, Optional.ofNullable(inspection.holder()), ttl, lastIssued);
            case FOREIGN -> new LockInfo(name, LockInfo.State.FOREIGN, Optional.empty(), ttl, lastIssued);
            case FREE -> new LockInfo(name, LockInfo.State.FREE, Optional.empty(), Duration.ZERO, lastIssued);
        };
    }

    @Override
    public List<LockInfo> list(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        List<String> keys;
        try {
            keys = Futures.awaitUninterruptibly(
                    engine.wiring().store().scan(engine.keySpace().scanPattern(namePrefix)));
        } catch (RuntimeException e) {
            throw Failures.translate(e, null, engine.address(), "scan");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String key : keys) {
            String name = engine.keySpace().nameOf(key);
            if (name != null && !name.isBlank()) {
                names.add(name);
            }
        }
        List<LockInfo> held = new ArrayList<>();
        for (String name : names) {
            LockInfo info = inspect(name);
            if (info.state() == LockInfo.State.HELD) {
                held.add(info);
            }
        }
        held.sort(Comparator.comparing(LockInfo::name));
        return held;
    }

    @Override
    public Optional<HolderInfo> forceUnlock(String name) {
        LockKeys keys = engine.keySpace().keys(name);
        LockStore.ForceReleased reply = call(engine.wiring().store().forceRelease(keys), name, "force unlock");
        if (reply.outcome() == LockStore.Released.FOREIGN) {
            throw new LockKeyConflictException(name, engine.address(), keys.lockKey(), "not a Warden lock");
        }
        return reply.outcome() == LockStore.Released.RELEASED ? Optional.ofNullable(reply.removed()) : Optional.empty();
    }

    private <T> T call(CompletableFuture<T> reply, String name, String operation) {
        try {
            return Futures.awaitUninterruptibly(reply);
        } catch (RuntimeException e) {
            throw Failures.translate(e, name, engine.address(), operation);
        }
    }
}
