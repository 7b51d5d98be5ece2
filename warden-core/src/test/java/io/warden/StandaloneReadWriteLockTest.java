package io.warden;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;

/** The read-write lock contract on a single Redis server (a fresh one per test). */
@WithRedis
class StandaloneReadWriteLockTest extends ReadWriteLockContract {
    private final RedisServer server;

    StandaloneReadWriteLockTest(RedisServer server) {
        this.server = server;
    }

    @Override
    public Warden.Builder target(Warden.Builder builder) {
        return builder.uri(server.uri());
    }

    @Override
    public Object redis(String key, String... command) {
        return server.command(command);
    }
}
