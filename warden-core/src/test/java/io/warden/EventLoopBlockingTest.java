package io.warden;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Regression test for issue 13, defect 3: a lease given back because its acquisition was cancelled
 * just as it was granted runs a blocking release on Lettuce's I/O thread. That stalls every command
 * of the Warden for the command timeout (other callers' commands time out and are never sent, so
 * their keys stay in Redis with nobody holding them), and the given-back lease stays locally "held"
 * by nobody, so this Warden cannot take the lock again for the whole lease. Public API only, on a
 * real Redis.
 *
 * <p>With the default callback executor the cancel must land in a window of a few microseconds on
 * the I/O thread (between the grant being taken and the result being completed), which a black-box
 * workload does not hit reliably. So the cancel is made deterministic: the Warden uses a direct
 * callback executor (a common configuration) that cancels the pending {@code acquireAsync} just
 * before delivering its lease; the delivery then runs on the I/O thread and gives the lease back
 * there.
 */
@WithRedis
class EventLoopBlockingTest extends OneServerTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);
    private static final long WORKLOAD_MILLIS = 2_000;

    EventLoopBlockingTest(RedisServer server) {
        super(server);
    }

    /** Issue 13, defect 3. */
    @Test
    void cancelledAcquisitionsNeverStallRedisCallsNorLeaveLocksBehind() throws Exception {
        // A direct callback executor (a common choice) that cancels the pending acquireAsync just as its
        // lease is delivered: the deterministic form of a cancel racing the grant.
        AtomicReference<CompletableFuture<Lease>> cancelOnDelivery = new AtomicReference<>();
        Executor direct = task -> {
            CompletableFuture<Lease> victim = cancelOnDelivery.getAndSet(null);
            if (victim != null) {
                victim.cancel(true);
            }
            task.run();
        };
        Warden warden = wardens.open(b -> b.commandTimeout(COMMAND_TIMEOUT).callbackExecutor(direct));
        List<String> names = new ArrayList<>(List.of("loop-a", "loop-b"));
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WORKLOAD_MILLIS);
        AtomicLong slowestNanos = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();

        // 8 threads: tryAcquire, then release, on two names.
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() - until < 0) {
                    DistributedLock lock = warden.lock(random.nextBoolean() ? "loop-a" : "loop-b");
                    long start = System.nanoTime();
                    try {
                        Optional<Lease> lease = lock.tryAcquire();
                        record(slowestNanos, start);
                        operations.incrementAndGet();
                        if (lease.isPresent()) {
                            start = System.nanoTime();
                            lease.get().release();
                        }
                    } catch (RuntimeException e) {
                        errors.add(e);
                    } finally {
                        record(slowestNanos, start);
                    }
                }
            }));
        }
        // 1 thread: acquireAsync on a lock of its own, cancelled at the moment its grant is delivered
        // (the callback executor cancels it just before running the delivery): the lease must be given
        // back. Done once, 300 ms into the workload.
        String own = "loop-cancel";
        names.add(own);
        threads.add(new Thread(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            CompletableFuture<Lease> pending = warden.lock(own).acquireAsync(Duration.ofSeconds(1));
            cancelOnDelivery.set(pending);
            try {
                pending.get(10, TimeUnit.SECONDS).release(); // only if delivered before it was armed
            } catch (Exception cancelled) {
                // cancelled at delivery: the lease is Warden's to give back
            }
        }));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(WORKLOAD_MILLIS + 4 * COMMAND_TIMEOUT.toMillis());
        }

        // Everything was released: within a short bound (far below the 30 s lease) no key remains,
        // and the locks can be taken again at once.
        long settle = System.nanoTime();
        List<String> left = new ArrayList<>();
        do {
            left.clear();
            for (String name : names) {
                if (Long.valueOf(1L).equals(server.command("EXISTS", "warden:{" + name + "}"))) {
                    left.add(name);
                }
            }
            Thread.sleep(20);
        } while (!left.isEmpty() && System.nanoTime() - settle < TimeUnit.SECONDS.toNanos(2));
        List<String> notFree = new ArrayList<>();
        for (String name : names) {
            Optional<Lease> again = warden.lock(name).tryAcquire();
            if (again.isEmpty()) {
                notFree.add(name);
            }
            again.ifPresent(Lease::release);
        }

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(Duration.ofNanos(slowestNanos.get()))
                .as(
                        "slowest tryAcquire/release of %d, one acquisition cancelled at delivery (half the"
                                + " command timeout is %s)",
                        operations.get(), COMMAND_TIMEOUT.dividedBy(2))
                .isLessThan(COMMAND_TIMEOUT.dividedBy(2));
        softly.assertThat(errors).as("errors during the workload").isEmpty();
        softly.assertThat(left)
                .as("lock keys left in Redis after every lease was released")
                .isEmpty();
        softly.assertThat(notFree)
                .as("locks this Warden could not take again after the workload")
                .isEmpty();
        softly.assertAll();
    }

    private static void record(AtomicLong slowest, long start) {
        long took = System.nanoTime() - start;
        slowest.accumulateAndGet(took, Math::max);
    }
}
