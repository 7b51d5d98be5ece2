package io.warden.internal;

import io.lettuce.core.RedisURI;
import io.warden.Backoff;
import io.warden.LossPolicy;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/** {@link ScriptStore} against the store contract, on a real Redis (one server, flushed per test). */
@WithRedis
class ScriptStoreContractTest extends StoreContract {
    private static RedisServer server;

    @BeforeAll
    static void start(RedisServer started) {
        server = started;
    }

    @Override
    LockStore openStore() {
        server.flushAll();
        Settings settings = new Settings(
                RedisURI.create(server.uri()),
                null,
                null,
                null,
                "warden",
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                Duration.ofSeconds(2),
                3,
                true,
                Backoff.defaults(),
                LossPolicy.INTERRUPT,
                null,
                0,
                Duration.ZERO);
        return new ScriptStore(StandaloneBackend.connect(settings, false, null));
    }

    @Override
    void putForeign(String key, String type) {
        server.command("DEL", key);
        switch (type) {
            case "string" -> server.command("SET", key, "foreign");
            case "hash" -> server.command("HSET", key, "field", "foreign");
            case "list" -> server.command("RPUSH", key, "foreign");
            case "set" -> server.command("SADD", key, "foreign");
            case "zset" -> server.command("ZADD", key, "1", "foreign");
            default -> throw new IllegalArgumentException(type);
        }
    }

    @Override
    long pttl(String key) {
        return (Long) server.command("PTTL", key);
    }

    @Override
    boolean exists(String key) {
        return (Long) server.command("EXISTS", key) == 1;
    }

    @Override
    String type(String key) {
        return (String) server.command("TYPE", key);
    }

    @Override
    void elapse(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
