package io.warden.internal;

import io.lettuce.core.ScriptOutputType;
import io.warden.HolderInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link LockStore} of one Redis endpoint (a server, a Sentinel-managed master, or a Cluster):
 * the one class that knows each script's argument order and reply layout. The transport below it
 * ({@link RedisBackend}) runs scripts and pub/sub for the topology.
 */
final class ScriptStore implements LockStore {
    private final RedisBackend backend;

    ScriptStore(RedisBackend backend) {
        this.backend = backend;
    }

    @Override
    public String address() {
        return backend.address();
    }

    /**
     * A waiting writer's intent marker, and a waiting reader's registration, live this long from the
     * waiter's last attempt, or the lease time if shorter. Also the TTL of the registration sets.
     */
    static final long MAX_INTENT_MILLIS = 3000;

    @Override
    public CompletableFuture<Acquired> acquire(
            LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
        LockKeys.Shared shared = keys.shared();
        if (shared != null) {
            return acquireShared(keys, shared, token, ttlMillis, stamp);
        }
        return backend.<List<Object>>eval(
                        LuaScript.ACQUIRE,
                        ScriptOutputType.MULTI,
                        new String[] {keys.lockKey(), keys.fenceKey()},
                        token,
                        Long.toString(ttlMillis),
                        stamp.host(),
                        Long.toString(stamp.pid()),
                        minting(stamp.minting()),
                        Long.toString(stamp.sinceMillis()),
                        waits ? "1" : "0")
                .thenApply(ScriptStore::acquired);
    }

    private CompletableFuture<Acquired> acquireShared(
            LockKeys keys, LockKeys.Shared shared, String token, long ttlMillis, Stamp stamp) {
        String ttl = Long.toString(ttlMillis);
        String pid = Long.toString(stamp.pid());
        String since = Long.toString(stamp.sinceMillis());
        String intentTtl = Long.toString(Math.min(ttlMillis, MAX_INTENT_MILLIS));
        String setTtl = Long.toString(MAX_INTENT_MILLIS);
        CompletableFuture<List<Object>> reply = shared.role() == LockKeys.Role.READ
                ? backend.eval(
                        LuaScript.READ_ACQUIRE,
                        ScriptOutputType.MULTI,
                        new String[] {
                            keys.lockKey(),
                            shared.readersKey(),
                            shared.intentKey(),
                            keys.leaseKey(token),
                            keys.fenceKey(),
                            shared.waitingKey(),
                            shared.admittedKey()
                        },
                        token,
                        ttl,
                        stamp.host(),
                        pid,
                        minting(stamp.minting()),
                        since,
                        shared.downgradeFrom(),
                        shared.intentId(),
                        intentTtl,
                        setTtl)
                : backend.eval(
                        LuaScript.WRITE_ACQUIRE,
                        ScriptOutputType.MULTI,
                        readWriteKeys(keys, shared),
                        token,
                        ttl,
                        stamp.host(),
                        pid,
                        minting(stamp.minting()),
                        since,
                        shared.intentId(),
                        intentTtl,
                        shared.readerKeyPrefix(),
                        setTtl);
        return reply.thenApply(ScriptStore::acquired);
    }

    @Override
    public CompletableFuture<Acquired> acquireFair(
            LockKeys keys, Ticket ticket, String token, long ttlMillis, Stamp stamp) {
        return backend.<List<Object>>eval(
                        LuaScript.FAIR_ACQUIRE,
                        ScriptOutputType.MULTI,
                        new String[] {keys.lockKey(), keys.fenceKey(), keys.queueKey(), keys.ticketKey(ticket.id())},
                        token,
                        Long.toString(ttlMillis),
                        stamp.host(),
                        Long.toString(stamp.pid()),
                        minting(stamp.minting()),
                        Long.toString(stamp.sinceMillis()),
                        ticket.id(),
                        keys.ticketPrefix(),
                        Long.toString(ticket.ttlMillis()),
                        keys.channel(),
                        wakeMode())
                .thenApply(ScriptStore::fairAcquired);
    }

    static Acquired fairAcquired(List<Object> reply) {
        if ((Long) reply.get(0) == 0) {
            return new Queued((Long) reply.get(6), (Long) reply.get(1), HolderParsing.holder(reply, 2));
        }
        return acquired(reply);
    }

    @Override
    public CompletableFuture<Released> leaveQueue(LockKeys keys, Ticket ticket, String token) {
        return backend.<Long>eval(
                        LuaScript.FAIR_LEAVE,
                        ScriptOutputType.INTEGER,
                        new String[] {keys.lockKey(), keys.queueKey(), keys.ticketKey(ticket.id())},
                        token,
                        ticket.id(),
                        keys.ticketPrefix(),
                        wakeMode())
                .thenApply(ScriptStore::released);
    }

    private String wakeMode() {
        return backend.shardedPubSub() ? "s" : "p";
    }

    /** acquire.lua's ARGV[5]. */
    private static String minting(Minting minting) {
        return switch (minting) {
            case NONE -> "off";
            case COUNTER -> "counter";
            case CLOCK_FLOORED -> "clock";
        };
    }

    static Acquired acquired(List<Object> reply) {
        long code = (Long) reply.get(0);
        if (code == 1) {
            return new Granted((Long) reply.get(1));
        }
        if (code == -2) {
            return new Foreign(HolderParsing.text(reply, 1), HolderParsing.text(reply, 2));
        }
        if (code == 2) {
            return new Freed(); // release_to.lua only
        }
        return new Held((Long) reply.get(1), HolderParsing.holder(reply, 2));
    }

    @Override
    public CompletableFuture<List<Ownership>> renew(List<Renewal> batch) {
        String[] keys = new String[batch.size()];
        String[] args = new String[batch.size() * 2];
        for (int i = 0; i < batch.size(); i++) {
            Renewal renewal = batch.get(i);
            keys[i] = renewal.lockKey();
            args[2 * i] = renewal.token();
            args[2 * i + 1] = Long.toString(renewal.ttlMillis());
        }
        return backend.<List<Long>>eval(LuaScript.EXTEND, ScriptOutputType.MULTI, keys, args)
                .thenApply(codes -> {
                    List<Ownership> outcomes = new ArrayList<>(codes.size());
                    for (long code : codes) {
                        outcomes.add(ownership(code));
                    }
                    return outcomes;
                });
    }

    static Ownership ownership(long code) {
        return code == 1
                ? Ownership.OWNED
                : code == 0 ? Ownership.GONE : code == -1 ? Ownership.OTHER_OWNER : Ownership.FOREIGN;
    }

    /** See {@link RedisBackend#connected()}. */
    boolean connected() {
        return backend.connected();
    }

    @Override
    public CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce) {
        String mode = !announce ? "n" : backend.shardedPubSub() ? "s" : "p";
        long disconnectsBefore = backend.disconnects();
        return releaseScript(keys, token, keepMillis, mode)
                .thenApply(code -> (code == 0 || code == -1) && backend.disconnects() != disconnectsBefore
                        // Resent after a reconnect: its first run may have deleted the key, and
                        // another owner may have taken the lock before the resend ran.
                        ? Released.RELEASED
                        : released(code));
    }

    @Override
    public boolean handsOff(LockKeys keys) {
        return keys.shared() == null && !keys.fair();
    }

    @Override
    public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
        if (!handsOff(keys)) {
            return LockStore.super.releaseTo(keys, token, next);
        }
        long disconnectsBefore = backend.disconnects();
        Stamp stamp = next.stamp();
        return backend.<List<Object>>eval(
                        LuaScript.RELEASE_TO,
                        ScriptOutputType.MULTI,
                        new String[] {keys.lockKey(), keys.fenceKey()},
                        token,
                        keys.channel(),
                        wakeMode(),
                        next.token(),
                        Long.toString(next.ttlMillis()),
                        stamp.host(),
                        Long.toString(stamp.pid()),
                        minting(stamp.minting()),
                        Long.toString(stamp.sinceMillis()))
                .thenApply(reply -> {
                    long code = (Long) reply.get(0);
                    Released released = (code == 0 || code == -1) && backend.disconnects() != disconnectsBefore
                            // Resent after a reconnect, as release(): its first run is the likeliest
                            // to have handed the lock on.
                            ? Released.RELEASED
                            : released(code);
                    return new HandedOff(released, acquired(reply.subList(1, reply.size())));
                });
    }

    private CompletableFuture<Long> releaseScript(LockKeys keys, String token, long keepMillis, String mode) {
        LockKeys.Shared shared = keys.shared();
        String keep = Long.toString(keepMillis);
        if (keys.fair()) {
            return backend.eval(
                    LuaScript.FAIR_RELEASE,
                    ScriptOutputType.INTEGER,
                    new String[] {keys.lockKey(), keys.queueKey()},
                    token,
                    keep,
                    mode,
                    keys.ticketPrefix());
        }
        if (shared == null) {
            return backend.eval(
                    LuaScript.RELEASE,
                    ScriptOutputType.INTEGER,
                    new String[] {keys.lockKey()},
                    token,
                    keys.channel(),
                    keep,
                    mode);
        }
        if (shared.role() == LockKeys.Role.READ) {
            // Given the intent id instead of a lease's token: a reader that gave up withdraws its registration.
            boolean withdrawal = !shared.intentId().isEmpty() && token.equals(shared.intentId());
            return backend.eval(
                    LuaScript.READ_RELEASE,
                    ScriptOutputType.INTEGER,
                    new String[] {
                        keys.leaseKey(token),
                        shared.readersKey(),
                        shared.intentKey(),
                        shared.waitingKey(),
                        shared.admittedKey()
                    },
                    token,
                    shared.writersChannel(keys.channel()),
                    keep,
                    mode,
                    withdrawal ? token : "");
        }
        return backend.eval(
                LuaScript.WRITE_RELEASE,
                ScriptOutputType.INTEGER,
                new String[] {keys.lockKey(), shared.intentKey()},
                token,
                keys.channel(),
                keep,
                mode,
                shared.intentId(),
                shared.readersChannel(keys.channel()));
    }

    static Released released(long code) {
        return switch ((int) code) {
            case 1 -> Released.RELEASED;
            case 2 -> Released.KEPT;
            case 0 -> Released.GONE;
            case -1 -> Released.OTHER_OWNER;
            default -> Released.FOREIGN;
        };
    }

    @Override
    public CompletableFuture<Inspection> inspect(LockKeys keys) {
        return backend.<List<Object>>eval(
                        LuaScript.INSPECT,
                        ScriptOutputType.MULTI,
                        new String[] {keys.lockKey(), keys.fenceKey(), keys.queueKey()},
                        keys.ticketPrefix())
                .thenApply(ScriptStore::inspection);
    }

    /** Reads inspect.lua's reply (force_release.lua's too: the same layout, without the queue). */
    static Inspection inspection(List<Object> reply) {
        long code = (Long) reply.get(0);
        String counter = HolderParsing.text(reply, 6);
        String counterType = HolderParsing.text(reply, 7);
        boolean integer = HolderParsing.isInteger(counter);
        OptionalLong lastIssued = integer ? OptionalLong.of(Long.parseLong(counter)) : OptionalLong.empty();
        boolean counterForeign = !counterType.equals("none") && !(counterType.equals("string") && integer);
        Inspection.State state =
                code == 1 ? Inspection.State.HELD : code == 0 ? Inspection.State.FREE : Inspection.State.FOREIGN;
        HolderInfo holder = state == Inspection.State.HELD ? HolderParsing.holder(reply, 2) : null;
        long queued = reply.size() > 8 ? (Long) reply.get(8) : 0;
        HolderInfo next = queued > 0 ? HolderParsing.holder(Arrays.asList(reply.get(9), reply.get(10)), 0) : null;
        return new Inspection(state, (Long) reply.get(1), holder, lastIssued, counterForeign, queued, next);
    }

    @Override
    public CompletableFuture<ForceReleased> forceRelease(LockKeys keys) {
        return backend.<List<Object>>eval(
                        LuaScript.FORCE_RELEASE,
                        ScriptOutputType.MULTI,
                        new String[] {keys.lockKey(), keys.fenceKey(), keys.queueKey()},
                        keys.channel(),
                        wakeMode(),
                        keys.ticketPrefix())
                .thenApply(reply -> {
                    Inspection before = inspection(reply);
                    return switch (before.state()) {
                        case HELD -> new ForceReleased(Released.RELEASED, before);
                        case FREE -> new ForceReleased(Released.GONE, null);
                        case FOREIGN -> new ForceReleased(Released.FOREIGN, null);
                    };
                });
    }

    @Override
    public CompletableFuture<ReadWriteInspection> inspectReadWrite(LockKeys keys) {
        LockKeys.Shared shared = java.util.Objects.requireNonNull(keys.shared(), "shared");
        return backend.<List<Object>>eval(
                        LuaScript.RW_INSPECT,
                        ScriptOutputType.MULTI,
                        readWriteKeys(keys, shared),
                        shared.readerKeyPrefix())
                .thenApply(reply -> readWriteInspection(reply, keys.fenceKey()));
    }

    @Override
    public CompletableFuture<ReadWriteInspection> forceReleaseReadWrite(LockKeys keys) {
        LockKeys.Shared shared = java.util.Objects.requireNonNull(keys.shared(), "shared");
        return backend.<List<Object>>eval(
                        LuaScript.RW_FORCE_RELEASE,
                        ScriptOutputType.MULTI,
                        readWriteKeys(keys, shared),
                        shared.readerKeyPrefix(),
                        shared.writersChannel(keys.channel()),
                        backend.shardedPubSub() ? "s" : "p",
                        shared.readersChannel(keys.channel()))
                .thenApply(reply -> readWriteInspection(reply, keys.fenceKey()));
    }

    /** Reads rw_inspect.lua's reply (rw_force_release.lua's too: the same layout). */
    static ReadWriteInspection readWriteInspection(List<Object> reply, String fenceKey) {
        String counter = HolderParsing.text(reply, 2);
        OptionalLong lastIssued =
                HolderParsing.isInteger(counter) ? OptionalLong.of(Long.parseLong(counter)) : OptionalLong.empty();
        String foreign = HolderParsing.text(reply, 0);
        String counterType = HolderParsing.text(reply, 3);
        if (foreign.isEmpty() && !counterType.equals("none") && lastIssued.isEmpty()) {
            foreign = fenceKey;
        }
        if (!foreign.isEmpty()) {
            return new ReadWriteInspection(foreign, null, List.of(), null, lastIssued, 0, 0);
        }
        ReadWriteInspection.Share writer = share(reply, 4, true);
        ReadWriteInspection.Share intent = share(reply, 9, false);
        int readers = (int) HolderParsing.number(HolderParsing.text(reply, 13));
        List<ReadWriteInspection.Share> shares = new ArrayList<>(readers);
        for (int r = 0; r < readers; r++) {
            shares.add(share(reply, 14 + 5 * r, true));
        }
        int registrations = 14 + 5 * readers;
        long waiting = HolderParsing.number(HolderParsing.text(reply, registrations));
        long admitted = HolderParsing.number(HolderParsing.text(reply, registrations + 1));
        return new ReadWriteInspection(null, writer, shares, intent, lastIssued, (int) waiting, (int) admitted);
    }

    /** {pttl, host, pid, since[, fence]} at {@code from}, or null when the key is gone (pttl -2). */
    private static ReadWriteInspection.@org.jspecify.annotations.Nullable Share share(
            List<Object> reply, int from, boolean fenced) {
        long pttl = HolderParsing.number(HolderParsing.text(reply, from));
        if (pttl == -2) {
            return null;
        }
        HolderInfo holder;
        if (fenced) {
            holder = HolderParsing.holder(reply, from + 1);
        } else {
            String host = HolderParsing.text(reply, from + 1);
            holder = host.isEmpty()
                    ? null
                    : new HolderInfo(
                            host,
                            HolderParsing.number(HolderParsing.text(reply, from + 2)),
                            java.time.Instant.ofEpochMilli(HolderParsing.number(HolderParsing.text(reply, from + 3))),
                            0);
        }
        return new ReadWriteInspection.Share(holder, pttl);
    }

    /**
     * Raises the fencing counter to at least {@code fence} and records it in the lease if this
     * node holds {@code token} (Redlock's second step). Completes with the lease's ownership here:
     * OWNED (recorded), GONE (counter raised, lease not here) or FOREIGN (counter untouched).
     */
    CompletableFuture<Ownership> raiseFence(LockKeys keys, String token, long fence) {
        return backend.<Long>eval(
                        LuaScript.FENCE_FLOOR,
                        ScriptOutputType.INTEGER,
                        new String[] {keys.fenceKey(), keys.lockKey()},
                        Long.toString(fence),
                        token)
                .thenApply(code -> code == 1 ? Ownership.OWNED : code == 0 ? Ownership.GONE : Ownership.FOREIGN);
    }

    @Override
    public CompletableFuture<PermitAcquired> acquirePermit(
            SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp) {
        return backend.<List<Object>>eval(
                        LuaScript.PERMIT_ACQUIRE,
                        ScriptOutputType.MULTI,
                        new String[] {
                            keys.stateKey(),
                            keys.holdersKey(),
                            keys.permit(token).lockKey(),
                            keys.fenceKey()
                        },
                        token,
                        Integer.toString(request.units()),
                        Integer.toString(request.limit()),
                        request.resize() ? "1" : "0",
                        Long.toString(ttlMillis),
                        stamp.host(),
                        Long.toString(stamp.pid()),
                        minting(stamp.minting()),
                        Long.toString(stamp.sinceMillis()),
                        keys.permitPrefix())
                .thenApply(ScriptStore::permitAcquired);
    }

    static PermitAcquired permitAcquired(List<Object> reply) {
        long code = (Long) reply.get(0);
        if (code == 1) {
            int free = reply.size() > 3 ? ((Long) reply.get(3)).intValue() : -1;
            return new PermitGranted((Long) reply.get(1), ((Long) reply.get(2)).intValue(), free);
        }
        if (code == 0) {
            return new NoPermit(
                    (Long) reply.get(1), ((Long) reply.get(2)).intValue(), ((Long) reply.get(3)).intValue());
        }
        if (code == -3) {
            return new LimitMismatch(((Long) reply.get(1)).intValue());
        }
        return new Foreign(HolderParsing.text(reply, 1), HolderParsing.text(reply, 2));
    }

    @Override
    public CompletableFuture<Released> releasePermit(
            SemaphoreKeys keys, String token, int units, long keepMillis, boolean announce) {
        String mode = !announce ? "n" : backend.shardedPubSub() ? "s" : "p";
        long disconnectsBefore = backend.disconnects();
        return backend.<Long>eval(
                        LuaScript.PERMIT_RELEASE,
                        ScriptOutputType.INTEGER,
                        new String[] {
                            keys.stateKey(),
                            keys.holdersKey(),
                            keys.permit(token).lockKey()
                        },
                        token,
                        Integer.toString(units),
                        keys.channel(),
                        Long.toString(keepMillis),
                        mode)
                .thenApply(code -> (code == 0 || code == -1) && backend.disconnects() != disconnectsBefore
                        // Resent after a reconnect: its first run is the likeliest to have freed it.
                        ? Released.RELEASED
                        : released(code));
    }

    @Override
    public CompletableFuture<SemaphoreInspection> inspectSemaphore(SemaphoreKeys keys) {
        return backend.<List<Object>>eval(
                        LuaScript.SEMAPHORE_INSPECT,
                        ScriptOutputType.MULTI,
                        new String[] {keys.stateKey(), keys.holdersKey(), keys.fenceKey()},
                        keys.permitPrefix())
                .thenApply(ScriptStore::semaphoreInspection);
    }

    static SemaphoreInspection semaphoreInspection(List<Object> reply) {
        long code = (Long) reply.get(0);
        int limit = ((Long) reply.get(1)).intValue();
        String counter = HolderParsing.text(reply, 2);
        OptionalLong lastIssued =
                HolderParsing.isInteger(counter) ? OptionalLong.of(Long.parseLong(counter)) : OptionalLong.empty();
        List<PermitHolder> holders = new ArrayList<>();
        for (int i = 4; code != -2 && i + 5 < reply.size(); i += 6) {
            holders.add(new PermitHolder(
                    ((Long) reply.get(i)).intValue(), (Long) reply.get(i + 1), HolderParsing.holder(reply, i + 2)));
        }
        if (code == -2) {
            return new SemaphoreInspection(HolderParsing.text(reply, 4), limit, List.of(), lastIssued);
        }
        return new SemaphoreInspection(null, limit, List.copyOf(holders), lastIssued);
    }

    @Override
    public CompletableFuture<Integer> forceReleaseSemaphore(SemaphoreKeys keys) {
        return backend.<Long>eval(
                        LuaScript.SEMAPHORE_FORCE_RELEASE,
                        ScriptOutputType.INTEGER,
                        new String[] {keys.stateKey(), keys.holdersKey()},
                        keys.permitPrefix(),
                        keys.channel(),
                        backend.shardedPubSub() ? "s" : "p")
                .thenApply(code -> code < 0 ? -1 : code.intValue());
    }

    @Override
    public int renewalGroup(String lockKey) {
        return backend.renewalGroup(lockKey);
    }

    @Override
    public void onReleaseMessage(Consumer<String> listener) {
        backend.onReleaseMessage(listener);
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return backend.subscribe(channel);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return backend.unsubscribe(channel);
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return backend.scan(pattern);
    }

    @Override
    public void close() {
        backend.close();
    }

    /**
     * The keys of write_acquire, rw_inspect and rw_force_release, in their order: lock (the writer's
     * hash), readers, the waiting writer's intent, fencing counter, waiting readers, admitted readers.
     */
    private static String[] readWriteKeys(LockKeys keys, LockKeys.Shared shared) {
        return new String[] {
            keys.lockKey(),
            shared.readersKey(),
            shared.intentKey(),
            keys.fenceKey(),
            shared.waitingKey(),
            shared.admittedKey()
        };
    }
}
