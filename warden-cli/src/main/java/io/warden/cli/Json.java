package io.warden.cli;

import io.warden.HolderInfo;
import io.warden.LockInfo;
import io.warden.ReadWriteLockInfo;
import io.warden.SemaphoreInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON the commands print with --json: small and fixed, so written by hand. Every object names
 * its {@code kind} ({@code lock}, {@code semaphore} or {@code read-write}) and has {@code name} and
 * {@code state}; fields are only ever added, never renamed or removed (docs/cli-json.md).
 */
final class Json {
    private Json() {}

    /**
     * One lock (a fair lock and a leader election's lock included: they are locks of the same keys):
     * name, state, holder (or null), ttlMillis (-1 for a key without expiry), lastFencingToken,
     * foreignKey (the key holding data Warden did not write, or null), queued (waiters in its fair
     * queue), kind, nextInQueue (host and pid of the head waiter, or null).
     */
    static String lock(LockInfo info) {
        return "{\"name\":" + string(info.name())
                + ",\"state\":" + string(info.state().name())
                + ",\"holder\":" + info.holder().map(Json::holder).orElse("null")
                + ",\"ttlMillis\":"
                + info.ttl().map(Duration::toMillis).orElse(-1L)
                + ",\"lastFencingToken\":" + info.lastFencingToken()
                + ",\"foreignKey\":" + info.foreignKey().map(Json::string).orElse("null")
                + ",\"queued\":" + info.queued()
                + ",\"kind\":\"lock\""
                + ",\"nextInQueue\":" + info.nextInQueue().map(Json::waiter).orElse("null")
                + "}";
    }

    /**
     * One semaphore: name, kind, state (HELD while any unit is held, FOREIGN when foreignKey names a
     * key holding data Warden did not write, else FREE), permits (the stored limit, or null),
     * unitsHeld, lastFencingToken, holders [{units, ttlMillis, holder}], foreignKey (or null).
     */
    static String semaphore(SemaphoreInfo info) {
        StringBuilder json = new StringBuilder("{\"name\":")
                .append(string(info.name()))
                .append(",\"kind\":\"semaphore\",\"state\":")
                .append(
                        info.foreignKey().isPresent()
                                ? "\"FOREIGN\""
                                : info.holders().isEmpty() ? "\"FREE\"" : "\"HELD\"")
                .append(",\"permits\":")
                .append(info.permits().map(String::valueOf).orElse("null"))
                .append(",\"unitsHeld\":")
                .append(info.unitsHeld())
                .append(",\"lastFencingToken\":")
                .append(info.lastFencingToken())
                .append(",\"holders\":[");
        for (int i = 0; i < info.holders().size(); i++) {
            SemaphoreInfo.PermitHolderInfo holder = info.holders().get(i);
            json.append(i == 0 ? "" : ",")
                    .append("{\"units\":")
                    .append(holder.units())
                    .append(",\"ttlMillis\":")
                    .append(holder.ttl().toMillis())
                    .append(",\"holder\":")
                    .append(holder.holder().map(Json::holder).orElse("null"))
                    .append("}");
        }
        return json.append("],\"foreignKey\":")
                .append(info.foreignKey().map(Json::string).orElse("null"))
                .append('}')
                .toString();
    }

    /**
     * One read-write lock: name, kind, state (HELD while a writer or reader holds it, FOREIGN when
     * foreignKey names a key holding data Warden did not write, else FREE), writer (or null), readers
     * [...], waitingWriter (or null), admittedReaders, waitingReaders, lastFencingToken, foreignKey (or
     * null). Each share is {holder,
     * ttlMillis}, ttlMillis -1 for a key without expiry.
     */
    static String readWrite(ReadWriteLockInfo info) {
        String state = info.foreignKey().isPresent() ? "FOREIGN" : info.isHeld() ? "HELD" : "FREE";
        StringBuilder json = new StringBuilder("{\"name\":")
                .append(string(info.name()))
                .append(",\"kind\":\"read-write\",\"state\":\"")
                .append(state)
                .append("\",\"writer\":")
                .append(info.writer().map(Json::share).orElse("null"))
                .append(",\"readers\":[");
        for (int i = 0; i < info.readers().size(); i++) {
            json.append(i == 0 ? "" : ",").append(share(info.readers().get(i)));
        }
        return json.append("],\"waitingWriter\":")
                .append(info.waitingWriter().map(Json::share).orElse("null"))
                .append(",\"admittedReaders\":")
                .append(info.admittedReaders())
                .append(",\"waitingReaders\":")
                .append(info.waitingReaders())
                .append(",\"lastFencingToken\":")
                .append(info.lastFencingToken())
                .append(",\"foreignKey\":")
                .append(info.foreignKey().map(Json::string).orElse("null"))
                .append('}')
                .toString();
    }

    /** Locks, semaphores and read-write locks in one array, sorted by name, then by kind. */
    static String all(List<LockInfo> locks, List<SemaphoreInfo> semaphores, List<ReadWriteLockInfo> readWrite) {
        record Entry(String name, String kind, String json) {}
        List<Entry> entries = new ArrayList<>();
        locks.forEach(info -> entries.add(new Entry(info.name(), "lock", lock(info))));
        semaphores.forEach(info -> entries.add(new Entry(info.name(), "semaphore", semaphore(info))));
        readWrite.forEach(info -> entries.add(new Entry(info.name(), "read-write", readWrite(info))));
        entries.sort(Comparator.comparing(Entry::name).thenComparing(Entry::kind));
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < entries.size(); i++) {
            out.append(i == 0 ? "" : ",").append(entries.get(i).json());
        }
        return out.append(']').toString();
    }

    static String holder(HolderInfo holder) {
        return "{\"host\":" + string(holder.host())
                + ",\"pid\":" + holder.pid()
                + ",\"since\":" + string(holder.since().toString())
                + ",\"fencingToken\":" + holder.fencingToken()
                + "}";
    }

    /** A fair-queue waiter: its ticket records host and pid only. */
    private static String waiter(HolderInfo waiter) {
        return "{\"host\":" + string(waiter.host()) + ",\"pid\":" + waiter.pid() + "}";
    }

    private static String share(ReadWriteLockInfo.Share share) {
        return "{\"holder\":" + share.holder().map(Json::holder).orElse("null")
                + ",\"ttlMillis\":" + share.ttl().map(Duration::toMillis).orElse(-1L)
                + "}";
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
