package io.warden.cli;

import io.warden.HolderInfo;
import io.warden.LockInfo;
import java.time.Duration;
import java.util.List;

/** The JSON the commands print with --json: small and fixed, so written by hand. */
final class Json {
    private Json() {}

    /**
     * One lock: name, state, holder (or null), ttlMillis (-1 for a key without expiry),
     * lastFencingToken, foreignKey (the key holding data Warden did not write, or null), queued
     * (waiters in its fair queue).
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
                + "}";
    }

    static String locks(List<LockInfo> infos) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < infos.size(); i++) {
            out.append(i == 0 ? "" : ",").append(lock(infos.get(i)));
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
