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

    /**
     * A waiter rides out an outage until its own deadline (issue 15: {@code exec -w 30s} exited
     * after 3 s when Redis restarted within the wait), and then says Redis was the reason.
     */
    @Test
    void aWaiterWhoseRedisStaysDownFailsWhenItsWaitEndsNamingTheOutage() throws Exception {
        Warden holder = wardens.open();
        Warden waiter = wardens.open();
        holder.lock("mid-wait").acquire(Duration.ZERO);
        long start = System.nanoTime();
        CompletableFuture<Lease> waiting = waiter.lock("mid-wait").acquireAsync(Duration.ofSeconds(4));
        Await.sleep(300);
        server.kill();
        assertThatThrownBy(() -> waiting.get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("mid-wait")
                .hasMessageContaining("still unavailable when the wait of PT4S ended");
        // Not before the wait ended (the 1 s command timeout would have ended it after ~1.3 s), and
        // not long after it: no attempt is sent past the deadline.
        assertThat(Await.millisSince(start)).isBetween(3_900L, 7_000L);
        waiter.close();
        holder.close();
        Await.until(
                "no Warden thread is left",
                Duration.ofSeconds(10),
                () -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.isAlive() && t.getName().startsWith("warden-")));
    }

    @Test
    void aWaiterGetsTheLockWhenRedisRestartsWithinItsWait() throws Exception {
        Warden holder = wardens.open();
        Warden waiter = wardens.open();
        holder.lock("restarted").acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = waiter.lock("restarted").acquireAsync(Duration.ofSeconds(30));
        Await.sleep(300);
        server.kill();
        Await.sleep(2_500); // more than two command timeouts of outage
        assertThat(waiting).isNotDone();
        server.killAndRestart(); // without persistence: the holder's key is gone

        Lease lease = waiting.get(20, TimeUnit.SECONDS);
        assertThat(lease.isHeld()).isTrue();
        lease.release();
    }

    /** A zero wait tries once: an outage fails it at once, as before. */
    @Test
    void tryAcquireDuringAnOutageFailsWithinTheCommandTimeout() {
        Warden warden = wardens.open();
        server.kill();
        long start = System.nanoTime();
        assertThatThrownBy(() -> warden.lock("try-once").tryAcquire()).isInstanceOf(RedisUnavailableException.class);
        assertThat(Await.millisSince(start)).isLessThan(3_000);
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
