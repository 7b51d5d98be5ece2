package io.warden.bench;

import io.warden.testkit.RedisServer;

/** What every scenario gets: the one dedicated redis-server, the mode, and where results go. */
record Bench(RedisServer redis, Mode mode, Results results) {

    String uri() {
        return redis.uri();
    }

    /** Empties Redis so that every run starts from the same state. */
    void reset() {
        redis.flushAll();
    }

    static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
