package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Eight threads of one process take one lock in turn, so most turns are local hand-offs (the
 * release carries the next waiter's acquire): never two holders at once, and every holder's
 * fencing token is greater than the one before.
 */
@WithRedis
class LocalHandOffTest {
    private static final int THREADS = 8;
    private static final int TURNS = 150;

    private final WardenFixture wardens;

    LocalHandOffTest(RedisServer server) {
        this.wardens = new WardenFixture(server.uri());
    }

    @AfterEach
    void closeWardens() {
        wardens.close();
    }

    @Test
    void eightLocalThreadsHoldTheLockOneAtATimeWithIncreasingFencingTokens() throws Exception {
        Warden warden = wardens.open();
        DistributedLock lock = warden.lock("handed-on");
        AtomicInteger inside = new AtomicInteger();
        AtomicLong lastToken = new AtomicLong();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < TURNS; i++) {
                        try (Lease lease = lock.acquire(Duration.ofSeconds(30))) {
                            if (inside.incrementAndGet() != 1) {
                                violations.add("two holders at once");
                            }
                            long previous = lastToken.getAndSet(lease.fencingToken());
                            if (lease.fencingToken() <= previous) {
                                violations.add("token " + lease.fencingToken() + " after " + previous);
                            }
                            inside.decrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    violations.add(e.toString());
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(120_000);
        }
        assertThat(violations).isEmpty();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
    }
}
