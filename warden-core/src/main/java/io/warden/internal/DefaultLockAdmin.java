package io.warden.internal;

import io.warden.LockAdmin;
import io.warden.LockInfo;
import io.warden.LockKeyConflictException;
import io.warden.ReadWriteLockInfo;
import io.warden.SemaphoreInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
        Set<String> names = new LinkedHashSet<>();
        Set<String> strays = new LinkedHashSet<>();
        for (String key : scan(namePrefix)) {
            String name = space.lockNameOf(key);
            if (name != null) {
                names.add(name);
            } else if (space.readWriteNameOf(key) == null && space.semaphoreNameOf(key) == null) {
                strays.add(key); // read-write locks' and semaphores' keys are listReadWrite's and listSemaphores'
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

    @Override
    public ReadWriteLockInfo inspectReadWrite(String name) {
        refuseRedlock(name);
        LockKeys keys = engine.keySpace().readWriteKeys(name, LockKeys.Role.WRITE);
        return readWriteInfo(name, call(engine.wiring().store().inspectReadWrite(keys), name, "inspect"));
    }

    @Override
    public List<ReadWriteLockInfo> listReadWrite(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        if (!engine.settings().connection().redlockNodes().isEmpty()) {
            return List.of(); // Redlock serves no read-write locks
        }
        KeySpace space = engine.keySpace();
        Set<String> names = new TreeSet<>();
        for (String key : scan(namePrefix)) {
            String name = space.lockNameOf(key) == null ? space.readWriteNameOf(key) : null;
            if (name != null) {
                names.add(name);
            }
        }
        List<ReadWriteLockInfo> found = new ArrayList<>();
        for (String name : names) {
            ReadWriteLockInfo info = inspectReadWrite(name);
            if (info.isHeld()
                    || info.waitingWriter().isPresent()
                    || info.admittedReaders() + info.waitingReaders() > 0
                    || info.foreignKey().isPresent()) {
                found.add(info);
            }
        }
        return found;
    }

    @Override
    public Optional<ReadWriteLockInfo> forceUnlockReadWrite(String name) {
        refuseRedlock(name);
        LockKeys keys = engine.keySpace().readWriteKeys(name, LockKeys.Role.WRITE);
        ReadWriteLockInfo before =
                readWriteInfo(name, call(engine.wiring().store().forceReleaseReadWrite(keys), name, "force unlock"));
        if (before.foreignKey().isPresent()) {
            throw new LockKeyConflictException(
                    name, engine.address(), before.foreignKey().get(), "not a Warden read-write lock");
        }
        boolean used = before.isHeld()
                || before.waitingWriter().isPresent()
                || before.admittedReaders() + before.waitingReaders() > 0;
        return used ? Optional.of(before) : Optional.empty();
    }

    private void refuseRedlock(String name) {
        if (!engine.settings().connection().redlockNodes().isEmpty()) {
            throw new UnsupportedOperationException(
                    "read-write lock '" + name + "': read-write locks are not supported on Redlock");
        }
    }

    private static ReadWriteLockInfo readWriteInfo(String name, LockStore.ReadWriteInspection inspection) {
        List<ReadWriteLockInfo.Share> readers = new ArrayList<>();
        for (LockStore.ReadWriteInspection.Share reader : inspection.readers()) {
            readers.add(share(reader));
        }
        return new ReadWriteLockInfo(
                name,
                Optional.ofNullable(inspection.writer()).map(DefaultLockAdmin::share),
                readers,
                Optional.ofNullable(inspection.waitingWriter()).map(DefaultLockAdmin::share),
                inspection.admittedReaders(),
                inspection.waitingReaders(),
                inspection.lastIssued().orElse(0),
                Optional.ofNullable(inspection.foreignKey()));
    }

    private static ReadWriteLockInfo.Share share(LockStore.ReadWriteInspection.Share share) {
        return new ReadWriteLockInfo.Share(Optional.ofNullable(share.holder()), ttl(share.pttlMillis()));
    }

    @Override
    public SemaphoreInfo inspectSemaphore(String name) {
        LockStore.SemaphoreInspection inspection = inspectionOf(name);
        String foreignKey = inspection.foreignKey();
        if (foreignKey != null) {
            throw new LockKeyConflictException(name, engine.address(), foreignKey, "not a Warden semaphore");
        }
        return semaphoreInfo(name, inspection);
    }

    private LockStore.SemaphoreInspection inspectionOf(String name) {
        SemaphoreKeys keys = engine.keySpace().semaphoreKeys(name);
        return call(engine.wiring().store().inspectSemaphore(keys), name, "inspect semaphore");
    }

    private static SemaphoreInfo semaphoreInfo(String name, LockStore.SemaphoreInspection inspection) {
        List<SemaphoreInfo.PermitHolderInfo> holders = new ArrayList<>();
        for (LockStore.PermitHolder holder : inspection.holders()) {
            holders.add(new SemaphoreInfo.PermitHolderInfo(
                    holder.units(),
                    Optional.ofNullable(holder.holder()),
                    Duration.ofMillis(Math.max(0, holder.pttlMillis()))));
        }
        return new SemaphoreInfo(
                name,
                inspection.limit() < 0 ? Optional.empty() : Optional.of(inspection.limit()),
                holders,
                inspection.lastIssued().orElse(0));
    }

    @Override
    public List<SemaphoreInfo> listSemaphores(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        KeySpace space = engine.keySpace();
        Set<String> names = new TreeSet<>();
        for (String key : scan(namePrefix)) {
            String name = space.semaphoreNameOf(key);
            if (name != null) {
                names.add(name);
            }
        }
        List<SemaphoreInfo> found = new ArrayList<>();
        for (String name : names) {
            LockStore.SemaphoreInspection inspection = inspectionOf(name);
            String foreignKey = inspection.foreignKey();
            if (foreignKey != null) {
                found.add(new SemaphoreInfo(name, Optional.empty(), List.of(), 0, Optional.of(foreignKey)));
                continue;
            }
            SemaphoreInfo info = semaphoreInfo(name, inspection);
            if (info.permits().isPresent() || !info.holders().isEmpty()) {
                found.add(info);
            }
        }
        return found;
    }

    @Override
    public int forceUnlockSemaphore(String name) {
        SemaphoreKeys keys = engine.keySpace().semaphoreKeys(name);
        int removed = call(engine.wiring().store().forceReleaseSemaphore(keys), name, "force unlock semaphore");
        if (removed < 0) {
            throw new LockKeyConflictException(name, engine.address(), keys.stateKey(), "not a Warden semaphore");
        }
        return removed;
    }

    /** Every key of the prefix whose hash-tagged part starts with {@code namePrefix}, by SCAN. */
    private List<String> scan(String namePrefix) {
        try {
            return Futures.awaitUninterruptibly(
                    engine.wiring().store().scan(engine.keySpace().scanAllPattern(namePrefix)));
        } catch (RuntimeException e) {
            throw Failures.translate(e, null, engine.address(), "scan");
        }
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
