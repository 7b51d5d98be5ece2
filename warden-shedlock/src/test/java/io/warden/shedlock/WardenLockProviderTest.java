package io.warden.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.Warden;
import io.warden.shedlock.fixtures.ShedLockNodeMain;
import io.warden.testkit.Await;
import io.warden.testkit.ChildJvm;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockExtender;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link WardenLockProvider} adds to ShedLock's contract, and its watchdog choice, on a real
 * Redis. Each {@link Warden} stands for one node.
 */
@WithRedis
class WardenLockProviderTest {
    private final RedisServer server;
    private final List<Warden> nodes = new ArrayList<>();

    WardenLockProviderTest(RedisServer server) {
        this.server = server;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Warden::close);
    }

    private WardenLockProvider node() {
        return WardenLockProvider.builder(warden(Duration.ofSeconds(30))).build();
    }

    private Warden warden(Duration lease) {
        Warden warden = Warden.builder()
                .uri(server.uri())
                .defaultLeaseTime(lease)
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        nodes.add(warden);
        return warden;
    }

    private static LockConfiguration config(String name, Duration atMost, Duration atLeast) {
        return new LockConfiguration(Instant.now(), name, atMost, atLeast);
    }

    private long pttl(String name) {
        return (Long) server.command("PTTL", "warden:{" + name + "}");
    }

    private Object owner(String name) {
        return server.command("HGET", "warden:{" + name + "}", "owner");
    }

    /**
     * ShedLock's Redis providers release with a plain DEL unless safeUpdate is set, so a node whose
     * task outlived lockAtMostFor deletes the lock that another node took since (see
     * ../shared/ANCHORS.md, ShedLock's known weaknesses). Warden's unlock is owner-checked.
     */
    @Test
    void unlockingAnExpiredLockNeverDeletesTheNextHoldersLock() {
        WardenLockProvider a = node();
        WardenLockProvider b = node();
        SimpleLock stale =
                a.lock(config("sweep", Duration.ofMillis(200), Duration.ZERO)).orElseThrow();
        Await.until("the first lock expired", Duration.ofSeconds(5), () -> pttl("sweep") == -2);
        SimpleLock current =
                b.lock(config("sweep", Duration.ofMinutes(1), Duration.ZERO)).orElseThrow();
        Object currentOwner = owner("sweep");

        stale.unlock(); // logged, not thrown: the task already ran

        assertThat(owner("sweep")).as("the next holder's key is untouched").isEqualTo(currentOwner);
        assertThat(a.lock(config("sweep", Duration.ofMinutes(1), Duration.ZERO)))
                .as("so the lock is still taken")
                .isEmpty();
        current.unlock();
        assertThat(pttl("sweep")).isEqualTo(-2);
    }

    /** Extending is owner-checked too: an expired lock's extend neither revives nor extends another's. */
    @Test
    void extendingAnExpiredLockNeverExtendsTheNextHoldersLock() {
        WardenLockProvider a = node();
        WardenLockProvider b = node();
        SimpleLock stale =
                a.lock(config("extend", Duration.ofMillis(200), Duration.ZERO)).orElseThrow();
        Await.until("the first lock expired", Duration.ofSeconds(5), () -> pttl("extend") == -2);
        SimpleLock current =
                b.lock(config("extend", Duration.ofSeconds(20), Duration.ZERO)).orElseThrow();
        long before = pttl("extend");

        assertThat(stale.extend(Duration.ofMinutes(10), Duration.ZERO)).isEmpty();

        assertThat(pttl("extend")).as("not extended to 10 minutes").isLessThanOrEqualTo(before);
        assertThatThrownBy(stale::unlock)
                .as("a lock whose extend failed is used up, as ShedLock's SimpleLock says")
                .isInstanceOf(IllegalStateException.class);
        current.unlock();
    }

    @Test
    void aLockAtMostForTooShortToHoldIsNeverHandedOutAndTheTaskIsSkipped() throws Throwable {
        WardenLockProvider a = node();
        assertThat(a.lock(config("blink", Duration.ofMillis(2), Duration.ZERO))).isEmpty();
        LockingTaskExecutor executor = new DefaultLockingTaskExecutor(a);
        LockingTaskExecutor.TaskResult<String> result =
                executor.executeWithLock(() -> "ran", config("blink", Duration.ofMillis(2), Duration.ZERO));
        assertThat(result.wasExecuted()).isFalse();
        assertThat(pttl("blink")).as("nothing left behind").isEqualTo(-2);
        assertThat(a.lock(config("blink", Duration.ofMillis(100), Duration.ZERO)))
                .as("a lock Warden can hold is handed out")
                .isPresent();
    }

    @Test
    void theRunningTaskGetsAFencingTokenThatIncreasesAcrossNodes() throws Throwable {
        WardenLockProvider a = node();
        WardenLockProvider b = node();
        AtomicLong first = new AtomicLong();
        new DefaultLockingTaskExecutor(a)
                .executeWithLock(
                        (Runnable) () -> first.set(a.fencingToken("fenced").orElseThrow()),
                        config("fenced", Duration.ofMinutes(1), Duration.ZERO));
        assertThat(first.get()).isPositive();
        assertThat(a.fencingToken("fenced")).as("none once unlocked").isEqualTo(OptionalLong.empty());
        AtomicLong second = new AtomicLong();
        new DefaultLockingTaskExecutor(b)
                .executeWithLock(
                        (Runnable) () -> second.set(b.fencingToken("fenced").orElseThrow()),
                        config("fenced", Duration.ofMinutes(1), Duration.ZERO));
        assertThat(second.get()).isGreaterThan(first.get());
        assertThat(b.fencingToken("never-taken")).isEmpty();
    }

    @Test
    void lockExtenderMovesBothBoundsThroughShedLocksExecutor() throws Throwable {
        WardenLockProvider a = node();
        WardenLockProvider b = node();
        AtomicReference<Long> extendedTtl = new AtomicReference<>();
        new DefaultLockingTaskExecutor(a)
                .executeWithLock(
                        (Runnable) () -> {
                            LockExtender.extendActiveLock(Duration.ofSeconds(30), Duration.ofSeconds(10));
                            extendedTtl.set(pttl("extended"));
                        },
                        config("extended", Duration.ofSeconds(1), Duration.ZERO));
        assertThat(extendedTtl.get()).as("TTL after the extend").isGreaterThan(25_000L);
        assertThat(pttl("extended"))
                .as("unlocked, but kept until the new lockAtLeastFor")
                .isGreaterThan(8_000L)
                .isLessThanOrEqualTo(10_000L);
        assertThat(b.lock(config("extended", Duration.ofMinutes(1), Duration.ZERO)))
                .isEmpty();
    }

    /**
     * ShedLock's KeepAliveLockProvider renews at half of lockAtMostFor (at least 30 s) and stops
     * silently when a renewal fails (../shared/ANCHORS.md). Warden's watchdog renews a lease a few
     * times per lease time, and the end of the lock is visible: the fencing token is gone and unlock
     * logs that the lock was lost.
     */
    @Test
    void withTheWatchdogALongTaskKeepsItsLockPastTheLeaseButNotPastLockAtMostFor() {
        WardenLockProvider a = WardenLockProvider.builder(warden(Duration.ofMillis(500)))
                .watchdog(true)
                .build();
        WardenLockProvider b = node();
        long started = System.nanoTime();
        SimpleLock lock =
                a.lock(config("long", Duration.ofSeconds(3), Duration.ZERO)).orElseThrow();
        assertThat(pttl("long")).as("the key lives for the lease").isLessThanOrEqualTo(500);
        Await.sleep(1_500); // three leases: elapsed time is what this checks
        assertThat(pttl("long")).as("renewed by the watchdog").isPositive();
        assertThat(a.fencingToken("long")).isPresent();
        assertThat(b.lock(config("long", Duration.ofMinutes(1), Duration.ZERO))).isEmpty();
        Await.until("the lock ended at lockAtMostFor", Duration.ofSeconds(10), () -> pttl("long") == -2);
        assertThat(Await.millisSince(started)).isGreaterThanOrEqualTo(2_900).isLessThan(8_000);
        assertThat(a.fencingToken("long"))
                .as("the task can see its lock is gone")
                .isEmpty();
        lock.unlock(); // logged: the lock was lost at lockAtMostFor
        assertThat(b.lock(config("long", Duration.ofMinutes(1), Duration.ZERO))).isPresent();
    }

    /** Without the watchdog (the default) lockAtMostFor is the key's TTL: a dead node frees it then. */
    @Test
    void aKilledNodesLockIsFreeAtLockAtMostForWithoutTheWatchdog() {
        String freedAfter = killedNodeFrees("dead-off", false, 30_000, 2_000);
        long millis = Long.parseLong(freedAfter);
        assertThat(millis).as("freed at lockAtMostFor, 2 s after it was taken").isLessThan(8_000);
    }

    /** With the watchdog a dead node's lock is free after one lease time, long before lockAtMostFor. */
    @Test
    void aKilledNodesLockIsFreeAfterOneLeaseWithTheWatchdogNotAtLockAtMostFor() {
        String freedAfter = killedNodeFrees("dead-on", true, 1_000, 600_000);
        assertThat(Long.parseLong(freedAfter))
                .as("freed within about one lease (1 s), not lockAtMostFor (10 min)")
                .isLessThan(8_000);
    }

    /**
     * Starts a node that locks {@code name} and dies without unlocking; returns how many ms after the
     * kill another node got the lock.
     */
    private String killedNodeFrees(String name, boolean watchdog, long leaseMillis, long atMostMillis) {
        WardenLockProvider survivor = node();
        try (ChildJvm dying = ChildJvm.start(
                ShedLockNodeMain.class,
                server.uri(),
                name,
                Boolean.toString(watchdog),
                Long.toString(leaseMillis),
                Long.toString(atMostMillis))) {
            dying.awaitLine(l -> l.startsWith("LOCKED "), Duration.ofSeconds(30));
            long ttl = pttl(name);
            assertThat(ttl).as("the key's TTL").isPositive().isLessThanOrEqualTo(Math.min(leaseMillis, atMostMillis));
            dying.kill();
            long killed = System.nanoTime();
            AtomicReference<Optional<SimpleLock>> got = new AtomicReference<>(Optional.empty());
            Await.until("another node got the dead node's lock", Duration.ofSeconds(20), () -> {
                got.set(survivor.lock(config(name, Duration.ofMinutes(1), Duration.ZERO)));
                return got.get().isPresent();
            });
            long freedAfter = Await.millisSince(killed);
            got.get().orElseThrow().unlock();
            return Long.toString(freedAfter);
        }
    }
}
