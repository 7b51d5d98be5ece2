package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
        Connection connection = Connection.to(RedisURI.create(server.uri()), Duration.ofSeconds(2));
        return new ScriptStore(StandaloneBackend.connect(connection, false, null));
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

    @Override
    long serverMicros() {
        List<?> time = (List<?>) server.command("TIME");
        return Long.parseLong(time.get(0).toString()) * 1_000_000L
                + Long.parseLong(time.get(1).toString());
    }

    @Override
    void setString(String key, String value) {
        server.command("SET", key, value);
    }

    @Override
    void loseData() {
        server.flushAll();
    }

    /**
     * After the server forgot its scripts (restart, SCRIPT FLUSH), commands sent together still run
     * in the order they were sent. The engine relies on it: a lease's validity counts the last TTL
     * it sent as the one in force. When every command that met NOSCRIPT waited on one shared SCRIPT
     * LOAD, the waiters of one script ran in reverse order, so an earlier, longer renewal could
     * land after a later, shorter one.
     */
    @Test
    void afterTheServerForgotItsScriptsCommandsSentTogetherKeepTheirOrder() throws Exception {
        try (LockStore fresh = openStore()) {
            LockKeys keys = new KeySpace("warden").keys("noscript");
            LockStore.Stamp stamp = new LockStore.Stamp("h", 1, LockStore.Minting.COUNTER, 0);
            assertThat(fresh.acquire(keys, "token-1", 30_000, stamp).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(LockStore.Granted.class);
            server.command("SCRIPT", "FLUSH");
            CompletableFuture<?> longer =
                    fresh.renew(java.util.List.of(new LockStore.Renewal(keys.lockKey(), "token-1", 60_000)));
            CompletableFuture<?> shorter =
                    fresh.renew(java.util.List.of(new LockStore.Renewal(keys.lockKey(), "token-1", 5_000)));
            CompletableFuture.allOf(longer, shorter).get(5, TimeUnit.SECONDS);
            assertThat(pttl(keys.lockKey())).as("the TTL sent last is in force").isBetween(1L, 5_000L);
            assertThat(server.command("SCRIPT", "EXISTS", LuaScript.EXTEND.sha()))
                    .as("the script is cached again")
                    .isEqualTo(java.util.List.of(1L));
        }
    }
}
