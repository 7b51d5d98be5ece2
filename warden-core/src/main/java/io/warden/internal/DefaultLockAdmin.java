package io.warden.internal;

import io.lettuce.core.ScriptOutputType;
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

/** Operator views over one key prefix, each a single script call (list: a SCAN, then one per lock). */
final class DefaultLockAdmin implements LockAdmin {
    private final Engine engine;

    DefaultLockAdmin(Engine engine) {
        this.engine = engine;
    }

    @Override
    public LockInfo inspect(String name) {
        LockKeys keys = engine.keySpace().keys(name);
        List<Object> reply = call(keys, LuaScript.INSPECT, new String[] {keys.lockKey(), keys.fenceKey()}, "inspect");
        String state = HolderParsing.text(reply, 0);
        long pttl = (Long) reply.get(1);
        long lastIssued = HolderParsing.number(HolderParsing.text(reply, 6));
        Duration ttl = pttl > 0 ? Duration.ofMillis(pttl) : Duration.ZERO;
        return switch (state) {
            case "held" ->
                new LockInfo(
                        name,
                        LockInfo.State.HELD,
                        Optional.ofNullable(HolderParsing.holder(reply, 2)),
                        ttl,
                        lastIssued);
            case "foreign" -> new LockInfo(name, LockInfo.State.FOREIGN, Optional.empty(), ttl, lastIssued);
            default -> new LockInfo(name, LockInfo.State.FREE, Optional.empty(), Duration.ZERO, lastIssued);
        };
    }

    @Override
    public List<LockInfo> list(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        List<String> keys;
        try {
            keys = Futures.awaitUninterruptibly(
                    engine.backend().scan(engine.keySpace().scanPattern(namePrefix)));
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
        List<Object> reply = call(
                keys,
                LuaScript.FORCE_RELEASE,
                new String[] {keys.lockKey()},
                "force unlock",
                keys.channel(),
                engine.backend().shardedPubSub() ? "s" : "p");
        long code = (Long) reply.get(0);
        if (code == -2) {
            throw new LockKeyConflictException(name, engine.address(), keys.lockKey(), "not a Warden lock");
        }
        return code == 1 ? Optional.ofNullable(HolderParsing.holder(reply, 1)) : Optional.empty();
    }

    private List<Object> call(LockKeys keys, LuaScript script, String[] redisKeys, String operation, String... args) {
        try {
            return Futures.awaitUninterruptibly(
                    engine.backend().<List<Object>>eval(script, ScriptOutputType.MULTI, redisKeys, args));
        } catch (RuntimeException e) {
            throw Failures.translate(e, keys.name(), engine.address(), operation);
        }
    }
}
