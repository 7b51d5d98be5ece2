package io.warden.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * The lock of countless blog posts, ported faithfully as the floor of what two plain commands cost:
 * {@code SET key 1 NX EX 10}, retried every millisecond while taken, and a plain {@code DEL} on
 * release. It is unsafe (the DEL can delete another owner's lock after expiry, and nothing renews
 * it): it is here for speed only.
 */
final class NaiveLocks implements LockClient {
    private static final SetArgs NX_EX_10 = SetArgs.Builder.nx().ex(10);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;

    NaiveLocks(String uri) {
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    @Override
    public Held acquire(String name) throws InterruptedException {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (!"OK".equals(redis.set(name, "1", NX_EX_10))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("naive lock " + name + " not acquired within " + MAX_WAIT);
            }
            Thread.sleep(1);
        }
        return () -> redis.del(name);
    }

    @Override
    public String redisKey(String name) {
        return name;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
