package io.warden.bench;

import io.warden.testkit.RespClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's redis-server as seen from any JVM of the run: the parent that started it and every
 * child that measures one run. Each call opens its own short connection, so nothing here is shared
 * with the library under test.
 */
record RedisAddress(String host, int port) {

    String uri() {
        return "redis://" + host + ":" + port;
    }

    Object command(String... args) {
        return RespClient.call(host, port, RespClient.DEFAULT_TIMEOUT, args);
    }

    /** The {@code field:value} lines of {@code INFO section}. */
    Map<String, String> info(String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : ((String) command("INFO", section)).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    String version() {
        return info("server").getOrDefault("redis_version", "unknown");
    }

    /** Empties Redis and zeroes its command statistics: every run starts from the same state. */
    void flushAndResetStats() {
        command("FLUSHALL");
        command("CONFIG", "RESETSTAT");
    }

    void flushAll() {
        command("FLUSHALL");
    }
}
