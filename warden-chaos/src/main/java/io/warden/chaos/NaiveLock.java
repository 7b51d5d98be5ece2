package io.warden.chaos;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A deliberately broken lock, so the suite can show it fails: {@code SET NX PX} without renewal, a
 * plain {@code DEL} release that does not check the owner, and a "token" from a separate counter the
 * holder never checks. Its holders always believe they hold the lock and are never told otherwise.
 */
final class NaiveLock implements LockUnderTest {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> commands;
    private final String key;
    private final Duration leaseTime;
    private final AtomicLong held = new AtomicLong();

    NaiveLock(String redisUri, String name, Duration leaseTime) {
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofSeconds(1));
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.commands = connection.sync();
        this.key = "naive:{" + name + "}";
        this.leaseTime = leaseTime;
    }

    @Override
    public Holding acquire(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String value = UUID.randomUUID().toString();
        while (!"OK".equals(commands.set(key, value, SetArgs.Builder.nx().px(leaseTime.toMillis())))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("naive lock not acquired within " + wait);
            }
            Thread.sleep(10);
        }
        long token = commands.incr(key + ":fence");
        held.incrementAndGet();
        return new Holding() {
            @Override
            public long token() {
                return token;
            }

            @Override
            public boolean isHeld() {
                return true;
            }

            @Override
            public void onLost(Consumer<String> listener) {
                // The naive lock never notices a loss.
            }

            @Override
            public void release() {
                held.decrementAndGet();
                commands.del(key);
            }
        };
    }

    @Override
    public long heldCount() {
        return held.get();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
