package io.warden.bench;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * ShedLock's Redis provider over Spring Data Redis with Lettuce (ShedLock 7 publishes no Lettuce-only
 * provider), with {@code safeUpdate} on so that unlocking is owner-checked, as Warden's always is.
 */
final class ShedLockTasks implements TaskClient {
    private final LettuceConnectionFactory connections;
    private final LockingTaskExecutor executor;

    ShedLockTasks(String uri) {
        URI parsed = URI.create(uri);
        this.connections =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration(parsed.getHost(), parsed.getPort()));
        connections.afterPropertiesSet();
        connections.start();
        RedisLockProvider provider =
                new RedisLockProvider.Builder(connections).safeUpdate(true).build();
        this.executor = new DefaultLockingTaskExecutor(provider);
    }

    @Override
    public boolean runIfFree(String task, Duration lockAtLeastFor, Duration lockAtMostFor, Runnable body) {
        LockConfiguration configuration = new LockConfiguration(Instant.now(), task, lockAtMostFor, lockAtLeastFor);
        try {
            return executor.executeWithLock(
                            (LockingTaskExecutor.TaskWithResult<Boolean>) () -> {
                                body.run();
                                return Boolean.TRUE;
                            },
                            configuration)
                    .wasExecuted();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("ShedLock task " + task + " failed", e);
        }
    }

    @Override
    public void close() {
        connections.destroy();
    }
}
