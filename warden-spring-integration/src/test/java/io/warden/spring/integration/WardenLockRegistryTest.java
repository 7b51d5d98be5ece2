package io.warden.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.LeaseNotHeldException;
import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * The registry on a real Redis (a fresh server per test): mutual exclusion under load across
 * registries and threads, and what Spring Integration expects of a {@code LockRegistry}.
 */
@WithRedis
class WardenLockRegistryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RedisServer server;
    private final List<Warden> wardens = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    WardenLockRegistryTest(RedisServer server) {
        this.server = server;
    }

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        wardens.forEach(Warden::close);
    }

    private Warden warden() {
        Warden warden = Warden.builder()
                .uri(server.uri())
                .commandTimeout(Duration.ofSeconds(1))
                .build();
        wardens.add(warden);
        return warden;
    }

    private WardenLockRegistry registry() {
        return new WardenLockRegistry(warden(), "test");
    }

    /**
     * The core's exclusion check ({@code LockLoad} in warden-core's tests: threads taking locks in a
     * loop and counting overlaps), through the registry: three Wardens (three "processes"), four
     * registries (two share a Warden), eight threads, one key. Each critical section reads a shared
     * counter, sleeps, and writes it back plus one: an overlap shows up twice, as a thread finding
     * another inside and as a lost update. Some threads use lock(), some tryLock with a timeout, some
     * executeLocked, as Spring Integration components do.
     */
    @Test
    void threadsOfSeveralRegistriesNeverOverlapAndLoseNoUpdate() throws Exception {
        Warden shared = warden();
        List<WardenLockRegistry> registries = List.of(
                new WardenLockRegistry(shared, "test"), new WardenLockRegistry(shared, "test"), registry(), registry());
        int perThread = 25;
        AtomicInteger inside = new AtomicInteger();
        AtomicLong overlaps = new AtomicLong();
        long[] counter = {0};
        List<Future<?>> workers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            WardenLockRegistry registry = registries.get(t % registries.size());
            int style = t % 3;
            workers.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    Runnable section = () -> {
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        long read = counter[0];
                        Await.sleep(1);
                        counter[0] = read + 1;
                        inside.decrementAndGet();
                    };
                    Lock lock = registry.obtain("counter");
                    if (style == 0) {
                        lock.lock();
                        try {
                            section.run();
                        } finally {
                            lock.unlock();
                        }
                    } else if (style == 1) {
                        assertThat(lock.tryLock(20, TimeUnit.SECONDS)).isTrue();
                        try {
                            section.run();
                        } finally {
                            lock.unlock();
                        }
                    } else {
                        registry.executeLocked("counter", section::run);
                    }
                }
                return null;
            }));
        }
        long started = System.nanoTime();
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(120, TimeUnit.SECONDS);
        }
        long tookMillis = Await.millisSince(started);
        assertThat(overlaps.get()).as("sections that found another inside").isZero();
        synchronized (counter) {
            assertThat(counter[0]).as("no update lost").isEqualTo(8L * perThread);
        }
        System.out.printf(
                "registry exclusion: %d sections on one key by 8 threads, 4 registries, 3 Wardens in %d ms, 0 overlaps%n",
                8 * perThread, tookMillis);
    }

    @Test
    void obtainReturnsTheSameLockForTheSameKeyAndOnlyStringKeys() {
        WardenLockRegistry registry = registry();
        DistributedLock first = registry.obtain("a");
        assertThat(registry.obtain("a")).isSameAs(first);
        assertThat(registry.obtain("b")).isNotSameAs(first);
        assertThatThrownBy(() -> registry.obtain(42)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockThrowsIllegalMonitorState() throws Exception {
        WardenLockRegistry registry = registry();
        Lock lock = registry.obtain("owned");
        assertThatThrownBy(lock::unlock).as("never locked").isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        CompletableFuture<Throwable> otherThread = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        registry.obtain("owned").unlock();
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                },
                threads);
        assertThat(otherThread.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(registry().obtain("owned").tryLock())
                .as("still held after the failed unlock")
                .isFalse();
        lock.unlock();
        assertThatThrownBy(lock::unlock).as("unlocked twice").isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void locksAreReentrantAndFreedByTheLastUnlock() throws Exception {
        Lock lock = registry().obtain("nested");
        Lock elsewhere = registry().obtain("nested");
        lock.lock();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
        assertThat(tryLockOnAnotherThread(elsewhere))
                .as("held by the outer hold")
                .isFalse();
        lock.unlock();
        assertThat(tryLockOnAnotherThread(elsewhere)).isTrue();
        assertThat(server.command("EXISTS", "warden:{test:nested}"))
                .as("taken by the other registry")
                .isEqualTo(1L);
    }

    private boolean tryLockOnAnotherThread(Lock lock) throws Exception {
        return threads.submit(() -> lock.tryLock(100, TimeUnit.MILLISECONDS)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void expireUnusedOlderThanForgetsOnlyOldLocksNoThreadHolds() throws Exception {
        WardenLockRegistry registry = registry();
        DistributedLock idle = registry.obtain("idle");
        DistributedLock held = registry.obtain("held");
        held.lock();
        Thread.sleep(50);
        DistributedLock fresh = registry.obtain("fresh");

        registry.expireUnusedOlderThan(30);

        assertThat(registry.obtain("idle")).as("old and not held: forgotten").isNotSameAs(idle);
        assertThat(registry.obtain("held")).as("held: kept").isSameAs(held);
        assertThat(registry.obtain("fresh")).as("recent: kept").isSameAs(fresh);

        registry.expireUnusedOlderThan(-1);
        assertThat(registry.obtain("held")).isSameAs(held);
        held.unlock();
        Thread.sleep(5);
        registry.expireUnusedOlderThan(0);
        assertThat(registry.obtain("held")).as("forgotten once unlocked").isNotSameAs(held);

        // Forgotten between obtain and lock (the race RedisLockRegistry's cache had): the old object
        // still locks, and the new one unlocks that hold, since holds are the registry's.
        DistributedLock before = registry.obtain("evicted-then-locked");
        registry.expireUnusedOlderThan(-1);
        before.lock();
        DistributedLock after = registry.obtain("evicted-then-locked");
        assertThat(after).isNotSameAs(before);
        after.unlock();
        assertThat(server.command("EXISTS", "warden:{test:evicted-then-locked}"))
                .isEqualTo(0L);
    }

    @Test
    void renewLockMovesTheExpiryOfTheCallersOwnLeaseOnly() throws Exception {
        WardenLockRegistry registry = new WardenLockRegistry(warden(), "test", Duration.ofSeconds(3));
        DistributedLock lock = registry.obtain("renewed");
        assertThatThrownBy(() -> registry.renewLock("renewed"))
                .as("not held")
                .isInstanceOf(IllegalStateException.class);
        lock.lock();

        registry.renewLock("renewed", Duration.ofSeconds(60));
        assertThat((Long) server.command("PTTL", "warden:{test:renewed}")).isGreaterThan(50_000L);
        registry.renewLock("renewed");
        assertThat((Long) server.command("PTTL", "warden:{test:renewed}")).isBetween(1L, 3_000L);

        Future<?> otherThread = threads.submit(() -> registry.renewLock("renewed", Duration.ofSeconds(60)));
        assertThatThrownBy(() -> otherThread.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        lock.unlock();
        assertThatThrownBy(() -> registry.renewLock("renewed")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWatchedLockOutlivesItsLeaseTimeWhileHeld() throws Exception {
        WardenLockRegistry registry = new WardenLockRegistry(warden(), "test", Duration.ofMillis(500));
        DistributedLock lock = registry.obtain("long-job");
        lock.lock(Duration.ofMillis(400));
        Thread.sleep(1_500);
        assertThat(registry().obtain("long-job").tryLock())
                .as("still held after almost four lease times")
                .isFalse();
        lock.unlock();
    }

    @Test
    void aLeaseLostWhileHeldMakesUnlockThrowConcurrentModification() throws Exception {
        WardenLockRegistry registry = new WardenLockRegistry(warden(), "test", Duration.ofMillis(600));
        Lock lock = registry.obtain("deleted");
        lock.lock();
        server.command("DEL", "warden:{test:deleted}");
        Await.until("the loss noticed by a renewal", WAIT, () -> {
            try {
                registry.renewLock("deleted", Duration.ofMillis(600));
                return false;
            } catch (IllegalStateException lost) {
                return true;
            }
        });
        assertThatThrownBy(lock::unlock)
                .isInstanceOf(ConcurrentModificationException.class)
                .hasCauseInstanceOf(LeaseNotHeldException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void tryLockTimesOutWhileHeldElsewhereAndForeignDataIsCannotAcquire() throws Exception {
        Lock held = registry().obtain("busy");
        held.lock();
        Lock waiting = registry().obtain("busy");
        long from = System.nanoTime();
        assertThat(waiting.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(Await.millisSince(from)).isBetween(150L, 5_000L);
        assertThat(waiting.tryLock()).isFalse();
        held.unlock();

        server.command("SET", "warden:{test:foreign}", "not a lock");
        Lock foreign = registry().obtain("foreign");
        assertThatThrownBy(foreign::tryLock).isInstanceOf(CannotAcquireLockException.class);
        assertThatThrownBy(foreign::lock).isInstanceOf(CannotAcquireLockException.class);
        assertThat(server.command("GET", "warden:{test:foreign}")).isEqualTo("not a lock");
    }

    @Test
    void anInterruptedWaiterLeavesNothingBehindAndLockIgnoresInterrupts() throws Exception {
        Lock held = registry().obtain("contended");
        held.lock();
        WardenLockRegistry registry = registry();
        CountDownLatch waiting = new CountDownLatch(1);
        Future<?> interruptible = threads.submit(() -> {
            waiting.countDown();
            registry.obtain("contended").lockInterruptibly();
            return null;
        });
        waiting.await();
        Thread.sleep(100);
        interruptible.cancel(true);
        Await.until("the waiter gave up", WAIT, interruptible::isDone);

        AtomicInteger interruptedAfterLock = new AtomicInteger();
        Future<?> uninterruptible = threads.submit(() -> {
            Thread.currentThread().interrupt();
            Lock lock = registry.obtain("contended");
            lock.lock();
            if (Thread.interrupted()) {
                interruptedAfterLock.incrementAndGet();
            }
            lock.unlock();
            return null;
        });
        Thread.sleep(200);
        assertThat(uninterruptible.isDone()).as("lock() keeps waiting").isFalse();
        held.unlock();
        uninterruptible.get(10, TimeUnit.SECONDS);
        assertThat(interruptedAfterLock.get())
                .as("the interrupt flag is set again")
                .isEqualTo(1);
        assertThat(server.command("EXISTS", "warden:{test:contended}")).isEqualTo(0L);
    }

    @Test
    void theHolderGetsAFencingTokenThatIncreasesAcrossRegistries() throws Exception {
        WardenLockRegistry first = registry();
        WardenLockRegistry second = registry();
        assertThatThrownBy(() -> first.fencingToken("fenced")).isInstanceOf(IllegalStateException.class);
        Lock lock = first.obtain("fenced");
        lock.lock();
        long earlier = first.fencingToken("fenced");
        lock.unlock();
        Lock other = second.obtain("fenced");
        other.lock();
        assertThat(second.fencingToken("fenced")).isGreaterThan(earlier);
        other.unlock();
    }

    @Test
    void newConditionIsUnsupported() {
        assertThatThrownBy(() -> registry().obtain("c").newCondition())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
