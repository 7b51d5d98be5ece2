package io.warden.bench;

/**
 * What one run of one scenario gets: the benchmark's redis-server and the mode. A run happens in a JVM
 * of its own (see {@link FreshJvm}), so nothing else lives in the JVM while it measures.
 */
record Bench(RedisAddress redis, Mode mode) {

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
