package io.warden;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;

/** The lock contract on a single Redis server (a fresh one per test). */
@WithRedis
class StandaloneLockTest extends LockContract {
    private final RedisServer server;

    StandaloneLockTest(RedisServer server) {
        this.server = server;
    }

    @Override
    protected String redisUri() {
        return server.uri();
    }

    @Override
    protected Object redis(String key, String... command) {
        return server.command(command);
    }
}
