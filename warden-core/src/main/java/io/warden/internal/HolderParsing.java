package io.warden.internal;

import io.warden.HolderInfo;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads the holder fields {host, pid, since, fence} that scripts return. */
final class HolderParsing {
    private HolderParsing() {}

    /** The holder described by {@code reply[from .. from+3]}, or null if the fields are empty. */
    static @Nullable HolderInfo holder(List<@Nullable Object> reply, int from) {
        String host = text(reply, from);
        if (host.isEmpty()) {
            return null;
        }
        return new HolderInfo(
                host,
                number(text(reply, from + 1)),
                Instant.ofEpochMilli(number(text(reply, from + 2))),
                number(text(reply, from + 3)));
    }

    static String text(List<@Nullable Object> reply, int index) {
        if (index >= reply.size() || reply.get(index) == null) {
            return "";
        }
        Object value = reply.get(index);
        return value instanceof byte[] bytes
                ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : value.toString();
    }

    static long number(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether {@code text} is an integer as Redis's INCR reads one: a canonical 64-bit decimal (no
     * sign but '-', no leading zeros, no spaces).
     */
    static boolean isInteger(String text) {
        if (!text.matches("-?(0|[1-9][0-9]{0,18})")) {
            return false;
        }
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
