package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Redis going away mid-wait and mid-release: documented errors, in time, and no leaks. */
@WithRedis
class RedisFailureTest extends OneServerTest {
    RedisFailureTest(RedisServer server) {
        super(server);
    }

    @Test
    void aWaiterFailsWithRedisUnavailableSoonAfterRedisStops() throws Exception {
        Warden holder = wardens.open();
        Warden waiter = wardens.open();
        holder.lock("mid-wait").acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = waiter.lock("mid-wait").acquireAsync(Duration.ofSeconds(60));
        Await.sleep(300);
        server.kill();
        long killed = System.nanoTime();
        assertThatThrownBy(() -> waiting.get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("mid-wait");
        // Next safety-net wake (backoff <= 1 s) plus the 1 s command timeout, with slack for noise.
        assertThat(Await.millisSince(killed)).isLessThan(6_000);
        waiter.close();
        holder.close();
        Await.until(
                "no Warden thread is left",
                Duration.ofSeconds(10),
                () -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.isAlive() && t.getName().startsWith("warden-")));
    }

    @Test
    void aReleaseWhileRedisIsDownFailsInTimeCanBeRetriedAndTheLeaseThenExpires() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofSeconds(2)));
        Lease lease = warden.lock("mid-release").acquire(Duration.ZERO);
        server.pause();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(lease::release)
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("mid-release")
                    .hasMessageContaining(String.valueOf(server.port()));
            assertThat(Await.millisSince(start)).isLessThan(4_000);
            assertThat(lease.isWatched())
                    .as("renewal stopped, so the lease expires")
                    .isFalse();
        } finally {
            server.resume();
        }
        // A retry confirms the release, whether the first attempt landed late or the retry deletes it.
        lease.release();
        assertThat(server.command("EXISTS", "warden:{mid-release}")).isEqualTo(0L);
    }

    @Test
    void anUnretriedReleaseWithAnUnknownOutcomeIsNotHeldAndTheLockFreesOnItsOwn() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofSeconds(1)));
        Warden other = wardens.open();
        Lease lease = warden.lock("left-behind").acquire(Duration.ZERO);
        server.pause();
        try {
            assertThatThrownBy(lease::release).isInstanceOf(RedisUnavailableException.class);
            // The holder let go; whether Redis got the release is unknown, so it is not held.
            assertThat(lease.isHeld()).isFalse();
        } finally {
            server.resume();
        }
        // Not a loss: the holder had finished. Whether the late release landed or the key
        // expired, the lock is free for others.
        assertThat(lease.lostEvent()).isEmpty();
        try (Lease next = other.lock("left-behind").acquire(Duration.ofSeconds(5))) {
            assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        }
    }

    @Test
    void connectingToNothingFailsQuicklyWithRedisUnavailable() {
        server.kill();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Warden.builder()
                        .uri(server.uri())
                        .commandTimeout(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining(String.valueOf(server.port()));
        assertThat(Await.millisSince(start)).isLessThan(5_000);
    }
}
