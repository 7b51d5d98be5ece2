package io.warden.internal;

import io.lettuce.core.RedisException;
import io.warden.HolderInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link LockStore} served from memory: one client connection to a {@link MemoryRedis}, doing
 * what each Lua script in {@code io/warden/internal/scripts} does, step for step, on a fake clock.
 * {@link StoreContract} holds it to the same tests as {@link ScriptStore} on a real Redis, so the
 * two cannot drift apart.
 *
 * <p>Every future is already complete when returned (latency, lost replies and server pauses are
 * {@link FaultyStore}'s business); release messages arrive asynchronously, as scheduler tasks.
 * {@link #connect()} opens another client on the same data, with its own listener and
 * subscriptions, so several simulated processes can share one server. A closed client's calls fail
 * with a {@link RedisException}.
 *
 * <p>Not modelled: see {@link MemoryRedis} (no replication, no Cluster slots: renewalGroup is 0).
 */
public final class MemoryStore implements LockStore {
    /** The owner of a key that is not a Warden lock (compared by identity: no token can be it). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String NOT_A_LOCK = new String("not a lock");

    private final MemoryRedis redis;
    private final Set<String> channels = new HashSet<>();
    private final Queue<String> inbox = new ArrayDeque<>();
    private volatile Consumer<String> listener = channel -> {};
    private volatile boolean closed;

    /** A new, empty server and a first client of it. */
    public MemoryStore(Ticker ticker, Scheduler scheduler) {
        this(new MemoryRedis(ticker, scheduler));
    }

    private MemoryStore(MemoryRedis redis) {
        this.redis = redis;
        redis.connect(this);
    }

    /** Another client of the same server. */
    public MemoryStore connect() {
        return new MemoryStore(redis);
    }

    @Override
    public String address() {
        return "memory";
    }

    @Override
    public CompletableFuture<Acquired> acquire(
            LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
        if (keys.shared() != null) {
            return notModelled(keys);
        }
        return run(() -> {
            String lockKey = keys.lockKey();
            MemoryRedis.Entry lock = redis.get(lockKey);
            if (lock != null) {
                if (!lock.type.equals("hash") || !lock.fields.containsKey("owner")) {
                    return new Foreign(lockKey, lock.type);
                }
                if (lock.fields.get("owner").equals(token)) {
                    redis.pexpire(lockKey, ttlMillis);
                    return new Granted(HolderParsing.number(lock.fields.getOrDefault("fence", "")));
                }
                if (waits) {
                    lock.fields.putIfAbsent("waiting", "1"); // no hand-off past this caller
                }
                return new Held(waits ? redis.pttl(lockKey) : Held.TTL_NOT_READ, holder(lock));
            }
            return grant(keys, token, ttlMillis, stamp);
        });
    }

    /** acquire.lua's grant of a free lock: mint the token, write the hash. */
    private Acquired grant(LockKeys keys, String token, long ttlMillis, Stamp stamp) {
        String lockKey = keys.lockKey();
        long fence = 0;
        if (stamp.fencing()) {
            MemoryRedis.Entry counter = redis.get(keys.fenceKey());
            if (counter != null && !counter.type.equals("string")) {
                return new Foreign(keys.fenceKey(), counter.type);
            }
            if (counter != null && !isInteger(counter.value)) {
                return new Foreign(keys.fenceKey(), "string");
            }
            counter = redis.create(keys.fenceKey(), "string");
            fence = (counter.value == null ? 0 : Long.parseLong(counter.value)) + 1;
            if (stamp.minting() == Minting.CLOCK_FLOORED && redis.timeMicros() > fence) {
                fence = redis.timeMicros();
                counter.expiresAt = Long.MAX_VALUE; // SET drops a TTL, as INCR does not
            }
            counter.value = Long.toString(fence);
        }
        MemoryRedis.Entry lock = redis.create(lockKey, "hash");
        lock.fields.put("owner", token);
        lock.fields.put("fence", Long.toString(fence));
        lock.fields.put("host", stamp.host());
        lock.fields.put("pid", Long.toString(stamp.pid()));
        lock.fields.put("since", Long.toString(stamp.sinceMillis()));
        redis.pexpire(lockKey, ttlMillis);
        return new Granted(fence);
    }

    @Override
    public CompletableFuture<Acquired> acquireFair(
            LockKeys keys, Ticket ticket, String token, long ttlMillis, Stamp stamp) {
        return run(() -> {
            String lockKey = keys.lockKey();
            MemoryRedis.Entry lock = redis.get(lockKey);
            if (lock != null) {
                if (!lock.type.equals("hash") || !lock.fields.containsKey("owner")) {
                    return new Foreign(lockKey, lock.type);
                }
                if (lock.fields.get("owner").equals(token)) {
                    redis.pexpire(lockKey, ttlMillis);
                    return new Granted(HolderParsing.number(lock.fields.getOrDefault("fence", "")));
                }
            }
            MemoryRedis.Entry queue = redis.get(keys.queueKey());
            if (queue != null && !queue.type.equals("zset")) {
                return new Foreign(keys.queueKey(), queue.type);
            }
            String ticketKey = keys.ticketKey(ticket.id());
            MemoryRedis.Entry mine = redis.get(ticketKey);
            if (mine != null && (!mine.type.equals("hash") || !token.equals(mine.fields.get("owner")))) {
                return new Foreign(ticketKey, mine.type);
            }
            if (mine == null || queue == null || !queue.fields.containsKey(ticket.id())) {
                queue = redis.create(keys.queueKey(), "zset");
                List<String> members = members(queue);
                String tail = members.isEmpty() ? null : members.get(members.size() - 1);
                long score =
                        tail == null ? 1 : Long.parseLong(queue.fields.get(tail)) + (tail.equals(ticket.id()) ? 0 : 1);
                queue.fields.remove(ticket.id());
                queue.fields.put(ticket.id(), Long.toString(score));
                mine = mine != null ? mine : redis.create(ticketKey, "hash");
                mine.fields.put("owner", token);
                mine.fields.put("wake", keys.channel());
                mine.fields.put("host", stamp.host());
                mine.fields.put("pid", Long.toString(stamp.pid()));
            }
            redis.pexpire(ticketKey, ticket.ttlMillis());
            if (redis.pttl(keys.queueKey()) < ticket.ttlMillis()) {
                redis.pexpire(keys.queueKey(), ticket.ttlMillis());
            }
            int cleaned = 0;
            String head;
            while (true) {
                List<String> members = members(queue);
                head = members.isEmpty() ? null : members.get(0);
                if (head == null || head.equals(ticket.id()) || liveTicket(keys, head) != null) {
                    break;
                }
                queue.fields.remove(head);
                cleaned++;
            }
            long ahead = members(queue).indexOf(ticket.id());
            if (lock != null) {
                return new Queued(ahead, redis.pttl(lockKey), holder(lock));
            }
            if (!ticket.id().equals(head)) {
                if (cleaned > 0) {
                    redis.publish(liveTicket(keys, head).fields.get("wake"));
                }
                return new Queued(ahead, -2, null);
            }
            Acquired granted = grant(keys, token, ttlMillis, stamp);
            if (granted instanceof Granted) {
                redis.get(lockKey).fields.put("wake", keys.channel());
                queue.fields.remove(ticket.id());
                redis.delete(ticketKey);
                if (queue.fields.isEmpty()) {
                    redis.delete(keys.queueKey());
                }
            }
            return granted;
        });
    }

    @Override
    public CompletableFuture<Released> leaveQueue(LockKeys keys, Ticket ticket, String token) {
        return run(() -> {
            MemoryRedis.Entry queue = redis.get(keys.queueKey());
            if (queue != null && !queue.type.equals("zset")) {
                return Released.FOREIGN;
            }
            String owner = owner(keys.ticketKey(ticket.id()));
            if (owner == NOT_A_LOCK) {
                return Released.FOREIGN;
            }
            if (owner != null && !owner.equals(token)) {
                return Released.OTHER_OWNER;
            }
            if (owner != null) {
                redis.delete(keys.ticketKey(ticket.id()));
            }
            if (queue != null) {
                boolean removed = queue.fields.remove(ticket.id()) != null;
                if ((owner != null || removed) && redis.get(keys.lockKey()) == null) {
                    wakeHead(keys, queue);
                }
                if (queue.fields.isEmpty()) {
                    redis.delete(keys.queueKey());
                }
            }
            return owner != null ? Released.RELEASED : Released.GONE;
        });
    }

    /** fair_release.lua's and fair_leave.lua's wake: dead tickets at the head go, the first live one is told. */
    private void wakeHead(LockKeys keys, MemoryRedis.Entry queue) {
        for (String head : members(queue)) {
            MemoryRedis.Entry live = liveTicket(keys, head);
            if (live != null) {
                redis.publish(live.fields.get("wake"));
                return;
            }
            queue.fields.remove(head);
        }
    }

    /** The ticket hash of {@code id} if it is alive (a hash with an owner), else null. */
    private MemoryRedis.Entry liveTicket(LockKeys keys, String id) {
        MemoryRedis.Entry ticket = redis.get(keys.ticketKey(id));
        return ticket != null && ticket.type.equals("hash") && ticket.fields.containsKey("owner") ? ticket : null;
    }

    /** A zset's members in score order (ZRANGE 0 -1). */
    private static List<String> members(MemoryRedis.Entry zset) {
        List<String> members = new ArrayList<>(zset.fields.keySet());
        members.sort(java.util.Comparator.comparingLong((String m) -> Long.parseLong(zset.fields.get(m)))
                .thenComparing(m -> m));
        return members;
    }

    @Override
    public CompletableFuture<List<Ownership>> renew(List<Renewal> batch) {
        return run(() -> {
            List<Ownership> outcomes = new ArrayList<>(batch.size());
            for (Renewal renewal : batch) {
                String owner = owner(renewal.lockKey());
                if (owner == null || owner == NOT_A_LOCK) {
                    outcomes.add(owner == null ? Ownership.GONE : Ownership.FOREIGN);
                } else if (!owner.equals(renewal.token())) {
                    outcomes.add(Ownership.OTHER_OWNER);
                } else {
                    redis.pexpire(renewal.lockKey(), renewal.ttlMillis());
                    outcomes.add(Ownership.OWNED);
                }
            }
            return outcomes;
        });
    }

    /**
     * Read-write locks are not modelled (their scripts are tested on real Redis only): refused
     * loudly rather than served with a plain lock's semantics.
     */
    private static <T> CompletableFuture<T> notModelled(LockKeys keys) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "MemoryStore does not model read-write locks ('" + keys.name() + "')"));
    }

    @Override
    public CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce) {
        if (keys.shared() != null) {
            return notModelled(keys);
        }
        return run(() -> {
            String owner = owner(keys.lockKey());
            if (owner == null || owner == NOT_A_LOCK) {
                return owner == null ? Released.GONE : Released.FOREIGN;
            }
            if (!owner.equals(token)) {
                return Released.OTHER_OWNER;
            }
            if (keepMillis > 0) {
                redis.pexpire(keys.lockKey(), keepMillis);
                return Released.KEPT;
            }
            redis.delete(keys.lockKey());
            if (announce && keys.fair()) {
                MemoryRedis.Entry queue = redis.get(keys.queueKey());
                if (queue != null && queue.type.equals("zset")) {
                    wakeHead(keys, queue);
                    if (queue.fields.isEmpty()) {
                        redis.delete(keys.queueKey());
                    }
                }
            } else if (announce) {
                redis.publish(keys.channel());
            }
            return Released.RELEASED;
        });
    }

    @Override
    public boolean handsOff(LockKeys keys) {
        return keys.shared() == null && !keys.fair();
    }

    /** release_to.lua, step for step. */
    @Override
    public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
        if (!handsOff(keys)) {
            return LockStore.super.releaseTo(keys, token, next);
        }
        return run(() -> {
            String lockKey = keys.lockKey();
            String owner = owner(lockKey);
            if (owner == NOT_A_LOCK) {
                return new HandedOff(Released.FOREIGN, new Foreign(lockKey, redis.get(lockKey).type));
            }
            if (owner != null && owner.equals(next.token())) {
                redis.pexpire(lockKey, next.ttlMillis());
                long fence = HolderParsing.number(redis.get(lockKey).fields.getOrDefault("fence", ""));
                return new HandedOff(Released.RELEASED, new Granted(fence));
            }
            if (owner != null && owner.equals(token)) {
                if (redis.get(lockKey).fields.containsKey("waiting")) {
                    // A caller elsewhere waits: freed and announced for everyone, not handed on.
                    redis.delete(lockKey);
                    redis.publish(keys.channel());
                    return new HandedOff(Released.RELEASED, new Freed());
                }
                Acquired granted = grant(keys, next.token(), next.ttlMillis(), next.stamp());
                if (granted instanceof Foreign) {
                    // The counter cannot mint: released as release.lua does, and announced.
                    redis.delete(lockKey);
                    redis.publish(keys.channel());
                }
                return new HandedOff(Released.RELEASED, granted);
            }
            if (owner != null) {
                MemoryRedis.Entry lock = redis.get(lockKey);
                return new HandedOff(Released.OTHER_OWNER, new Held(redis.pttl(lockKey), holder(lock)));
            }
            return new HandedOff(Released.GONE, grant(keys, next.token(), next.ttlMillis(), next.stamp()));
        });
    }

    @Override
    public CompletableFuture<Inspection> inspect(LockKeys keys) {
        return run(() -> inspection(keys));
    }

    /** Like inspect.lua and ScriptStore: a counter that is not an integer string is foreign. */
    private Inspection inspection(LockKeys keys) {
        MemoryRedis.Entry counter = redis.get(keys.fenceKey());
        boolean integer = counter != null && counter.type.equals("string") && isInteger(counter.value);
        OptionalLong last = integer ? OptionalLong.of(Long.parseLong(counter.value)) : OptionalLong.empty();
        boolean counterForeign = counter != null && !integer;
        long queued = 0;
        HolderInfo next = null;
        MemoryRedis.Entry queue = redis.get(keys.queueKey());
        if (queue != null && queue.type.equals("zset")) {
            for (String id : members(queue)) {
                MemoryRedis.Entry ticket = liveTicket(keys, id);
                if (ticket != null) {
                    if (queued++ == 0) {
                        next = HolderParsing.holder(
                                Arrays.asList(ticket.fields.get("host"), ticket.fields.get("pid")), 0);
                    }
                }
            }
        }
        MemoryRedis.Entry lock = redis.get(keys.lockKey());
        if (lock == null) {
            return new Inspection(Inspection.State.FREE, -2, null, last, counterForeign, queued, next);
        }
        long pttl = redis.pttl(keys.lockKey());
        if (!lock.type.equals("hash") || !lock.fields.containsKey("owner")) {
            return new Inspection(Inspection.State.FOREIGN, pttl, null, last, counterForeign, queued, next);
        }
        return new Inspection(Inspection.State.HELD, pttl, holder(lock), last, counterForeign, queued, next);
    }

    @Override
    public CompletableFuture<ForceReleased> forceRelease(LockKeys keys) {
        return run(() -> {
            Inspection before = inspection(keys);
            if (before.state() == Inspection.State.FREE) {
                return new ForceReleased(Released.GONE, null);
            }
            if (before.state() == Inspection.State.FOREIGN) {
                return new ForceReleased(Released.FOREIGN, null);
            }
            String wake = redis.get(keys.lockKey()).fields.get("wake");
            redis.delete(keys.lockKey());
            redis.publish(keys.channel());
            if (wake != null) {
                redis.publish(wake);
            }
            MemoryRedis.Entry queue = redis.get(keys.queueKey());
            if (queue != null && queue.type.equals("zset")) {
                wakeHead(keys, queue);
            }
            return new ForceReleased(Released.RELEASED, before);
        });
    }

    // ---- semaphores: permit_acquire.lua, permit_release.lua, semaphore_*.lua, step for step ------

    @Override
    public CompletableFuture<PermitAcquired> acquirePermit(
            SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp) {
        return run(() -> {
            MemoryRedis.Entry state = redis.get(keys.stateKey());
            if (state != null && !state.type.equals("hash")) {
                return new Foreign(keys.stateKey(), state.type);
            }
            MemoryRedis.Entry holders = redis.get(keys.holdersKey());
            if (holders != null && !holders.type.equals("zset")) {
                return new Foreign(keys.holdersKey(), holders.type);
            }
            String permitKey = keys.permit(token).lockKey();
            MemoryRedis.Entry permit = redis.get(permitKey);
            if (permit != null) {
                if (!permit.type.equals("hash") || !token.equals(permit.fields.get("owner"))) {
                    return new Foreign(permitKey, permit.type);
                }
                redis.pexpire(permitKey, ttlMillis);
                String stored = state == null ? null : state.fields.get("limit");
                return new PermitGranted(
                        HolderParsing.number(permit.fields.getOrDefault("fence", "")),
                        stored == null ? request.limit() : Integer.parseInt(stored),
                        -1);
            }
            String stored = state == null ? null : state.fields.get("limit");
            if (stored != null && !isInteger(stored)) {
                return new Foreign(keys.stateKey(), "hash");
            }
            if (stored != null && Long.parseLong(stored) != request.limit() && !request.resize()) {
                return new LimitMismatch(Integer.parseInt(stored));
            }
            state = redis.create(keys.stateKey(), "hash");
            state.fields.put("limit", Integer.toString(request.limit()));
            long now = Math.floorDiv(redis.timeMicros(), 1000L);
            long used = HolderParsing.number(state.fields.getOrDefault("used", "0"));
            holders = redis.create(keys.holdersKey(), "zset");
            for (var member : List.copyOf(holders.fields.entrySet())) {
                if (Long.parseLong(member.getValue()) > now) {
                    continue;
                }
                int sep = member.getKey().indexOf(':');
                long pttl = redis.pttl(keys.permitPrefix() + member.getKey().substring(sep + 1));
                if (pttl == -2) {
                    holders.fields.remove(member.getKey());
                    used -= Long.parseLong(member.getKey().substring(0, sep));
                } else {
                    holders.fields.put(member.getKey(), Long.toString(now + (pttl > 0 ? pttl : ttlMillis)));
                }
            }
            used = Math.max(0, used);
            state.fields.put("used", Long.toString(used));
            if (used + request.units() > request.limit()) {
                long first = holders.fields.values().stream()
                        .mapToLong(Long::parseLong)
                        .min()
                        .orElse(now + 1);
                dropIfEmpty(keys.holdersKey());
                return new NoPermit(Math.max(1, first - now), (int) used, request.limit());
            }
            long fence = 0;
            if (stamp.fencing()) {
                MemoryRedis.Entry counter = redis.get(keys.fenceKey());
                if (counter != null && !counter.type.equals("string")) {
                    return new Foreign(keys.fenceKey(), counter.type);
                }
                if (counter != null && !isInteger(counter.value)) {
                    return new Foreign(keys.fenceKey(), "string");
                }
                counter = redis.create(keys.fenceKey(), "string");
                fence = (counter.value == null ? 0 : Long.parseLong(counter.value)) + 1;
                if (stamp.minting() == Minting.CLOCK_FLOORED && redis.timeMicros() > fence) {
                    fence = redis.timeMicros();
                }
                counter.value = Long.toString(fence);
            }
            permit = redis.create(permitKey, "hash");
            permit.fields.put("owner", token);
            permit.fields.put("units", Integer.toString(request.units()));
            permit.fields.put("fence", Long.toString(fence));
            permit.fields.put("host", stamp.host());
            permit.fields.put("pid", Long.toString(stamp.pid()));
            permit.fields.put("since", Long.toString(stamp.sinceMillis()));
            redis.pexpire(permitKey, ttlMillis);
            holders.fields.put(request.units() + ":" + token, Long.toString(now + ttlMillis));
            state.fields.put("used", Long.toString(used + request.units()));
            return new PermitGranted(fence, request.limit(), (int) (request.limit() - used - request.units()));
        });
    }

    /** Redis deletes a zset whose last member left; the model keeps the empty entry otherwise. */
    private void dropIfEmpty(String key) {
        MemoryRedis.Entry entry = redis.get(key);
        if (entry != null && entry.fields.isEmpty()) {
            redis.delete(key);
        }
    }

    @Override
    public CompletableFuture<Released> releasePermit(
            SemaphoreKeys keys, String token, int units, long keepMillis, boolean announce) {
        return run(() -> {
            String permitKey = keys.permit(token).lockKey();
            String owner = owner(permitKey);
            if (owner == NOT_A_LOCK) {
                return Released.FOREIGN;
            }
            if (owner != null && !owner.equals(token)) {
                return Released.OTHER_OWNER;
            }
            MemoryRedis.Entry state = redis.get(keys.stateKey());
            MemoryRedis.Entry holders = redis.get(keys.holdersKey());
            if ((state != null && !state.type.equals("hash")) || (holders != null && !holders.type.equals("zset"))) {
                return Released.FOREIGN;
            }
            String member = units + ":" + token;
            if (owner != null && keepMillis > 0) {
                redis.pexpire(permitKey, keepMillis);
                if (holders != null && holders.fields.containsKey(member)) {
                    long now = Math.floorDiv(redis.timeMicros(), 1000L);
                    holders.fields.put(member, Long.toString(now + keepMillis));
                }
                return Released.KEPT;
            }
            Released outcome = Released.GONE;
            if (owner != null) {
                redis.delete(permitKey);
                outcome = Released.RELEASED;
            }
            if (holders != null && holders.fields.remove(member) != null) {
                dropIfEmpty(keys.holdersKey());
                state = redis.create(keys.stateKey(), "hash");
                long used = HolderParsing.number(state.fields.getOrDefault("used", "0")) - units;
                state.fields.put("used", Long.toString(Math.max(0, used)));
                if (announce) {
                    redis.publish(keys.channel());
                }
            }
            return outcome;
        });
    }

    @Override
    public CompletableFuture<SemaphoreInspection> inspectSemaphore(SemaphoreKeys keys) {
        return run(() -> {
            MemoryRedis.Entry counter = redis.get(keys.fenceKey());
            boolean integer = counter != null && counter.type.equals("string") && isInteger(counter.value);
            OptionalLong last = integer ? OptionalLong.of(Long.parseLong(counter.value)) : OptionalLong.empty();
            MemoryRedis.Entry state = redis.get(keys.stateKey());
            MemoryRedis.Entry holders = redis.get(keys.holdersKey());
            if (state != null && !state.type.equals("hash")) {
                return new SemaphoreInspection(keys.stateKey(), -1, List.of(), last);
            }
            if (holders != null && !holders.type.equals("zset")) {
                return new SemaphoreInspection(keys.holdersKey(), -1, List.of(), last);
            }
            String stored = state == null ? null : state.fields.get("limit");
            int limit = stored != null && isInteger(stored) ? Integer.parseInt(stored) : -1;
            List<PermitHolder> live = new ArrayList<>();
            if (holders != null) {
                List<java.util.Map.Entry<String, String>> members = new ArrayList<>(holders.fields.entrySet());
                members.sort(java.util.Map.Entry.<String, String>comparingByValue(
                                java.util.Comparator.comparingLong(Long::parseLong))
                        .thenComparing(java.util.Map.Entry.comparingByKey()));
                for (var member : members) {
                    int sep = member.getKey().indexOf(':');
                    String key = keys.permitPrefix() + member.getKey().substring(sep + 1);
                    MemoryRedis.Entry permit = redis.get(key);
                    if (permit != null && permit.type.equals("hash")) {
                        live.add(new PermitHolder(
                                Integer.parseInt(member.getKey().substring(0, sep)), redis.pttl(key), holder(permit)));
                    }
                }
            }
            return new SemaphoreInspection(null, limit, List.copyOf(live), last);
        });
    }

    @Override
    public CompletableFuture<Integer> forceReleaseSemaphore(SemaphoreKeys keys) {
        return run(() -> {
            MemoryRedis.Entry state = redis.get(keys.stateKey());
            MemoryRedis.Entry holders = redis.get(keys.holdersKey());
            if ((state != null && !state.type.equals("hash")) || (holders != null && !holders.type.equals("zset"))) {
                return -1;
            }
            if (holders == null) {
                return 0;
            }
            List<String> permitKeys = new ArrayList<>();
            for (String member : holders.fields.keySet()) {
                String key = keys.permitPrefix() + member.substring(member.indexOf(':') + 1);
                String owner = owner(key);
                if (owner == NOT_A_LOCK) {
                    return -1;
                }
                if (owner != null) {
                    permitKeys.add(key);
                }
            }
            permitKeys.forEach(redis::delete);
            boolean any = !holders.fields.isEmpty();
            redis.delete(keys.holdersKey());
            if (state != null) {
                state.fields.put("used", "0");
            }
            if (any) {
                redis.publish(keys.channel());
            }
            return permitKeys.size();
        });
    }

    @Override
    public int renewalGroup(String lockKey) {
        return 0;
    }

    @Override
    public void onReleaseMessage(Consumer<String> listener) {
        this.listener = listener;
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return run(() -> {
            synchronized (channels) {
                channels.add(channel);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return run(() -> {
            synchronized (channels) {
                channels.remove(channel);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return run(() -> redis.scan(pattern));
    }

    @Override
    public void close() {
        closed = true;
        redis.disconnect(this);
    }

    boolean isSubscribed(String channel) {
        synchronized (channels) {
            return channels.contains(channel);
        }
    }

    /**
     * Queues a message on this client's pub/sub connection and schedules its reading. Each task
     * reads the oldest queued message, so messages arrive in publication order, as on a socket.
     */
    void receive(String channel, Scheduler scheduler) {
        synchronized (inbox) {
            inbox.add(channel);
        }
        scheduler.schedule(this::deliverOldest, 0);
    }

    private void deliverOldest() {
        String channel;
        synchronized (inbox) {
            channel = inbox.poll();
        }
        if (channel != null && !closed) {
            listener.accept(channel);
        }
    }

    // ---- test helpers: what redis-cli would show ---------------------------------------------

    /** Writes a key Warden did not write: {@code "hash"} is a hash without an owner, {@code "string"} not an integer. */
    public void putForeign(String key, String type) {
        redis.put(key, type, "foreign");
    }

    /** PUBLISH on {@code channel}, as another process's release (or a late message) would. */
    public void publish(String channel) {
        redis.publish(channel);
    }

    /** Sets a string key (a fencing counter, say), without TTL. */
    public void putString(String key, String value) {
        redis.put(key, "string", value);
    }

    /** TIME, in microseconds since the epoch: the fake server's wall clock. */
    public long timeMicros() {
        return redis.timeMicros();
    }

    /** Steps the server's wall clock by {@code micros} (back if negative); TTLs are unaffected. */
    public void stepClock(long micros) {
        redis.stepClock(micros);
    }

    public long pttl(String key) {
        return redis.pttl(key);
    }

    public boolean exists(String key) {
        return redis.get(key) != null;
    }

    public String type(String key) {
        return redis.type(key);
    }

    /**
     * When {@code key} expires, in {@link Ticker} nanos: {@link Long#MAX_VALUE} without a TTL,
     * {@link Long#MIN_VALUE} if there is no such key. Exact, unlike {@link #pttl} (rounded up).
     */
    public long expiresAtNanos(String key) {
        synchronized (redis) {
            MemoryRedis.Entry entry = redis.get(key);
            return entry == null ? Long.MIN_VALUE : entry.expiresAt;
        }
    }

    /** The owner token at a lock key, if it holds one. */
    public Optional<String> ownerOf(String key) {
        String owner = owner(key);
        return owner == null || owner == NOT_A_LOCK ? Optional.empty() : Optional.of(owner);
    }

    /** Deletes every key (FLUSHALL). */
    public void flush() {
        redis.flush();
    }

    // ---- internals --------------------------------------------------------------------------

    /** HGET key owner as the scripts see it: null if missing, {@link #NOT_A_LOCK} if foreign. */
    private String owner(String key) {
        MemoryRedis.Entry entry = redis.get(key);
        if (entry == null) {
            return null;
        }
        return entry.type.equals("hash") ? entry.fields.getOrDefault("owner", NOT_A_LOCK) : NOT_A_LOCK;
    }

    private static HolderInfo holder(MemoryRedis.Entry lock) {
        var f = lock.fields;
        List<Object> reply = Arrays.asList(f.get("host"), f.get("pid"), f.get("since"), f.get("fence"));
        return HolderParsing.holder(reply, 0);
    }

    /** What INCR accepts: a canonical 64-bit decimal (no '+', no leading zeros, no spaces). */
    private static boolean isInteger(String value) {
        if (value == null || !value.matches("-?(0|[1-9][0-9]*)")) {
            return false;
        }
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Runs one script atomically against the server; a closed connection fails instead. */
    private <T> CompletableFuture<T> run(Supplier<T> script) {
        if (closed) {
            return CompletableFuture.failedFuture(new RedisException("Connection closed"));
        }
        synchronized (redis) {
            return CompletableFuture.completedFuture(script.get());
        }
    }
}
