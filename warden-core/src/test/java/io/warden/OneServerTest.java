package io.warden;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import org.junit.jupiter.api.AfterEach;

/** A test class with a fresh Redis server per test and Wardens that are closed after each test. */
@WithRedis
abstract class OneServerTest {
    protected final RedisServer server;
    protected final WardenFixture wardens;

    protected OneServerTest(RedisServer server) {
        this.server = server;
        this.wardens = new WardenFixture(server.uri());
    }

    @AfterEach
    void closeWardens() {
        wardens.close();
    }
}
