package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiters are woken by the release message, not by polling: 200 hand-offs between two Wardens
 * (as between two processes). A generous bound, not a performance target.
 */
@WithRedis
class HandOffLatencyTest {
    private final WardenFixture wardens;

    HandOffLatencyTest(RedisServer server) {
        this.wardens = new WardenFixture(server.uri());
    }

    @AfterEach
    void closeWardens() {
        wardens.close();
    }

    @Test
    void aWaiterInAnotherProcessIsWokenWithinMillisecondsOfTheRelease() throws Exception {
        Warden holderSide =
                wardens.open(b -> b.waitBackoff(Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(2))));
        Warden waiterSide =
                wardens.open(b -> b.waitBackoff(Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(2))));
        int handOffs = 200;
        long[] latencies = new long[handOffs];
        SynchronousQueue<Long> releasedAt = new SynchronousQueue<>();
        SynchronousQueue<Boolean> waiterReady = new SynchronousQueue<>();
        Thread waiter = new Thread(() -> {
            try {
                for (int i = 0; i < handOffs; i++) {
                    waiterReady.put(true);
                    try (Lease lease = waiterSide.lock("ping").acquire(Duration.ofSeconds(10))) {
                        long acquired = System.nanoTime();
                        latencies[i] = acquired - releasedAt.take();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < handOffs; i++) {
            Lease lease = holderSide.lock("ping").acquire(Duration.ofSeconds(10));
            if (i == 0) {
                waiter.start();
            }
            waiterReady.take();
            Thread.sleep(3); // let the waiter reach Redis and go to sleep on the subscription
            long before = System.nanoTime();
            lease.release();
            releasedAt.put(before);
            // wait until the waiter is done before taking the lock again
            Await.until(
                    "the waiter released",
                    Duration.ofSeconds(10),
                    () -> holderSide
                            .lock("ping")
                            .tryAcquire()
                            .map(l -> {
                                l.release();
                                return true;
                            })
                            .orElse(false));
        }
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        long p50 = sorted[handOffs / 2] / 1_000_000;
        long p99 = sorted[(int) (handOffs * 0.99) - 1] / 1_000_000;
        System.out.printf(
                "hand-off over pub/sub: p50 %d ms, p99 %d ms, max %d ms%n", p50, p99, sorted[handOffs - 1] / 1_000_000);
        // A bound on behaviour, not speed: a waiter that missed the release message would wake on its
        // 2 s backoff timer. 50 ms, the bound before, failed on a machine at load 30.
        assertThat(p99).as("p99 hand-off in ms").isLessThan(500);
    }
}
