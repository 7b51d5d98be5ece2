package io.warden.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The part of one Redis server that Warden's scripts use, in memory on a {@link Ticker}: a keyspace
 * of hashes and strings with per-key expiry, keys of other types (only their type: nothing reads
 * them), and classic pub/sub fan-out to the {@link MemoryStore} clients connected to it.
 *
 * <p>Semantics follow Redis where the scripts depend on them: a key whose expiry instant has come
 * is gone (expiry is checked on every access, like Redis's lazy expiry, so an expired key is never
 * seen); PEXPIRE with a non-positive TTL deletes; INCR of a missing key starts at 1 and keeps any
 * TTL; TIME reads a wall clock that moves with the ticker and can be stepped; PTTL is -2 for a missing key, -1 without a TTL, else the remaining time rounded up to a
 * millisecond (so a live key never reports 0). A published message reaches each subscribed client
 * as a separate task on the {@link Scheduler}, i.e. asynchronously, like a message read off a socket.
 *
 * <p>Not modelled: replication and failover, Cluster slots, persistence, eviction, memory limits,
 * script atomicity breaking (every operation is atomic here), and sharded pub/sub.
 */
final class MemoryRedis {
    /**
     * What {@link #timeMicros()} reads when the ticker is at 0: a wall-clock instant in 2026
     * (2026-01-01T00:00:00Z), so that clock-floored tokens have the size they have on a real server.
     */
    static final long WALL_CLOCK_ORIGIN_MICROS = 1_767_225_600_000_000L;

    private final Ticker ticker;
    /** How far the server's wall clock was stepped from the ticker (may be negative). */
    private long clockStepMicros;

    private final Scheduler scheduler;
    private final Map<String, Entry> keys = new HashMap<>();
    private final List<MemoryStore> clients = new CopyOnWriteArrayList<>();

    MemoryRedis(Ticker ticker, Scheduler scheduler) {
        this.ticker = ticker;
        this.scheduler = scheduler;
    }

    /** One key: its Redis type, its fields (hash) or value (string), and its expiry instant. */
    static final class Entry {
        final String type;
        final Map<String, String> fields = new LinkedHashMap<>();
        String value;
        long expiresAt = Long.MAX_VALUE;

        Entry(String type) {
            this.type = type;
        }
    }

    /** The live entry at {@code key}, or null; drops it first if it has expired. */
    synchronized Entry get(String key) {
        Entry entry = keys.get(key);
        if (entry != null && entry.expiresAt != Long.MAX_VALUE && ticker.nanos() >= entry.expiresAt) {
            keys.remove(key);
            return null;
        }
        return entry;
    }

    synchronized String type(String key) {
        Entry entry = get(key);
        return entry == null ? "none" : entry.type;
    }

    /** The entry at {@code key}, created empty with {@code type} if missing (no TTL). */
    synchronized Entry create(String key, String type) {
        Entry entry = get(key);
        if (entry == null) {
            entry = new Entry(type);
            keys.put(key, entry);
        }
        return entry;
    }

    synchronized boolean delete(String key) {
        return get(key) != null && keys.remove(key) != null;
    }

    /** PEXPIRE: sets the TTL of a live key; a TTL that is not positive deletes it. */
    synchronized boolean pexpire(String key, long millis) {
        Entry entry = get(key);
        if (entry == null) {
            return false;
        }
        if (millis <= 0) {
            keys.remove(key);
        } else {
            entry.expiresAt = ticker.nanos() + millis * 1_000_000L;
        }
        return true;
    }

    /** PTTL: -2 missing, -1 without TTL, else remaining milliseconds rounded up. */
    synchronized long pttl(String key) {
        Entry entry = get(key);
        if (entry == null) {
            return -2;
        }
        if (entry.expiresAt == Long.MAX_VALUE) {
            return -1;
        }
        return -Math.floorDiv(ticker.nanos() - entry.expiresAt, 1_000_000L);
    }

    /**
     * TIME, in microseconds since the epoch: the server's wall clock, which follows the fake ticker
     * and can be stepped like a real one ({@link #stepClock}).
     */
    synchronized long timeMicros() {
        return WALL_CLOCK_ORIGIN_MICROS + Math.floorDiv(ticker.nanos(), 1_000L) + clockStepMicros;
    }

    /** Steps the server's wall clock (not the ticker: TTLs run on) by {@code micros}, back if negative. */
    synchronized void stepClock(long micros) {
        clockStepMicros += micros;
    }

    /** Live keys matching a SCAN MATCH glob, in sorted order (Redis gives no order at all). */
    synchronized List<String> scan(String pattern) {
        List<String> found = new ArrayList<>();
        for (String key : new TreeMap<>(keys).keySet()) {
            if (get(key) != null && RedisGlob.matches(pattern, key)) {
                found.add(key);
            }
        }
        return found;
    }

    /** Replaces {@code key} with a new entry of {@code type} (no TTL) holding {@code value}. */
    synchronized Entry put(String key, String type, String value) {
        keys.remove(key);
        Entry entry = create(key, type);
        if (type.equals("hash")) {
            entry.fields.put("field", value);
        } else {
            entry.value = value;
        }
        return entry;
    }

    synchronized void flush() {
        keys.clear();
    }

    void connect(MemoryStore client) {
        clients.add(client);
    }

    void disconnect(MemoryStore client) {
        clients.remove(client);
    }

    /** PUBLISH: each client subscribed now is told later, in a task of its own. */
    int publish(String channel) {
        int receivers = 0;
        for (MemoryStore client : clients) {
            if (client.isSubscribed(channel)) {
                receivers++;
                client.receive(channel, scheduler);
            }
        }
        return receivers;
    }
}
