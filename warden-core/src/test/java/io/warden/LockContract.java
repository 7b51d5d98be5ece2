package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.warden.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every topology must show. A subclass points it at a topology (standalone, Cluster,
 * Sentinel, several masters) by saying how to reach Redis and how to run a raw command against the
 * node that holds a given key.
 *
 * <p>Only tests whose outcome depends on the topology belong here: what the scripts do to the keys,
 * TTLs and expiry, the fencing counter, the pub/sub hand-off and the withdrawal of subscriptions,
 * data Warden did not write, the admin views, the hash-tag rules, and each topology's error
 * reports. What the client decides alone (argument checks, re-entrancy bookkeeping, the local
 * waiter queue, the {@link java.util.concurrent.locks.Lock} view, guarded execution) runs once, in
 * {@code LockApiTest}.
 *
 * <h2>Running the contract against another backend</h2>
 *
 * The contract is published as warden-core's test jar ({@code io.warden:warden-core}, type {@code
 * test-jar}, classifier {@code tests}), which holds only this class and {@link WardenFixture}. A
 * module that builds Wardens its own way (a Spring or ShedLock integration, a new topology) adds it
 * with test scope, next to {@code io.warden:warden-testkit} (Redis servers, {@code Await}), JUnit
 * Jupiter and AssertJ, which the test jar does not bring, and extends this class in any package:
 *
 * <pre>{@code
 * @WithRedis
 * class MyBackendLockTest extends LockContract {
 *     private final RedisServer server;
 *
 *     MyBackendLockTest(RedisServer server) { this.server = server; }
 *
 *     @Override
 *     public Warden.Builder target(Warden.Builder builder) {
 *         return MyBackend.configure(builder.uri(server.uri()));   // how this backend reaches Redis
 *     }
 *
 *     @Override
 *     public Object redis(String key, String... command) {
 *         return server.command(command);                       // the node that owns the key
 *     }
 * }
 * }</pre>
 *
 * <p>Each test opens its Wardens through {@link #wardens}, which applies {@link #target} and then
 * test-friendly timeouts, and closes them afterwards. The tests assume the default key prefix
 * ({@code warden}), so {@link #target} must not change it, and they expect every lock name they use
 * to be free when they start: a topology shared by several tests must be emptied before each one.
 * Override {@link #subscribers} if release messages do not travel on plain channels of the node
 * that {@link #redis} reaches, and {@link #minorityGrantsMintTokens} for quorum backends. A
 * subclass's {@code @AfterEach} runs before this class's: one that closes something the Wardens use
 * (a Lettuce client passed to {@link Warden.Builder#client}) calls {@code wardens.close()} first.
 */
public abstract class LockContract {
    /** Opens the Wardens of the running test, pointed at the topology by {@link #target}. */
    protected WardenFixture wardens;

    /**
     * Points a builder at the topology under test (a URI, or Redlock nodes), and applies whatever
     * else the backend sets. Called for every Warden a test opens.
     */
    public abstract Warden.Builder target(Warden.Builder builder);

    /**
     * Runs a raw command ({@code command[0]} is its name) on the node that owns {@code key}, and
     * returns the reply as the test kit decodes it: {@code Long}, {@code String}, {@code List}, or
     * null. Tests use it to check and plant keys; on a topology with several copies of a key,
     * return the reply all copies agree on.
     */
    public abstract Object redis(String key, String... command);

    /**
     * The lock the tests use: {@code warden.lock(name)}; a subclass may test another kind of lock
     * that keeps the same contract ({@link Warden#fairLock}).
     */
    protected DistributedLock lock(Warden warden, String name) {
        return warden.lock(name);
    }

    @BeforeEach
    void openFixture() {
        wardens = new WardenFixture(this::target);
    }

    @AfterEach
    void closeFixture() {
        wardens.close();
    }

    // ---- ownership -------------------------------------------------------------------------------

    @Test
    void anAcquiredLockIsExclusiveUntilReleased() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        try (Lease lease = lock(a, "orders:42").acquire(Duration.ofSeconds(2))) {
            assertThat(lease.isHeld()).isTrue();
            assertThat(lease.lockName()).isEqualTo("orders:42");
            assertThat(lock(b, "orders:42").tryAcquire()).isEmpty();
        }
        Optional<Lease> second = lock(b, "orders:42").tryAcquire();
        assertThat(second).isPresent();
        second.get().release();
    }

    @Test
    void releaseDeletesTheKeyAndAReleasedLeaseIsNotHeld() throws Exception {
        Warden warden = wardens.open();
        Lease lease = lock(warden, "report").acquire(Duration.ZERO);
        assertThat(redis("warden:{report}", "EXISTS", "warden:{report}")).isEqualTo(1L);
        lease.release();
        assertThat(lease.isHeld()).isFalse();
        assertThat(lease.remaining()).isEqualTo(Duration.ZERO);
        assertThat(redis("warden:{report}", "EXISTS", "warden:{report}")).isEqualTo(0L);
    }

    /** {@code release(keepLockedFor)}: the holder lets go, but the key stays (owner-checked) until then. */
    @Test
    void aReleaseThatKeepsTheLockLeavesItTakenUntilTheKeepTimeAndNotHeld() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease lease = lock(a, "kept").acquire(Duration.ZERO);
        long released = System.nanoTime();
        lease.release(Duration.ofMillis(1500));
        assertThat(lease.isHeld()).isFalse();
        assertThat(lock(a, "kept").isHeldByCurrentThread()).isFalse();
        long pttl = (Long) redis("warden:{kept}", "PTTL", "warden:{kept}");
        assertThat(pttl).isPositive().isLessThanOrEqualTo(1500);
        assertThat(lock(b, "kept").tryAcquire())
                .as("kept: another owner cannot take it")
                .isEmpty();
        assertThat(lock(a, "kept").tryAcquire())
                .as("kept: nor can its old owner")
                .isEmpty();
        Lease next = lock(b, "kept").acquire(Duration.ofSeconds(5));
        assertThat(Await.millisSince(released))
                .as("free only after the keep time")
                .isGreaterThanOrEqualTo(1400);
        assertThatThrownBy(() -> lease.release(Duration.ofSeconds(1))).isInstanceOf(LeaseNotHeldException.class);
        assertThat(next.isHeld())
                .as("the old handle's second release touched nothing")
                .isTrue();
        next.release();
    }

    /**
     * The blog-post lock's bug: after its lease expired, a client's DEL removes the next holder's
     * lock. Warden's release is owner-checked and leaves the new holder alone.
     */
    @Test
    void aClientWhoseLeaseExpiredCannotReleaseOrExtendTheNewHoldersLock() throws Exception {
        Warden first = wardens.open();
        Warden second = wardens.open();
        Lease stale = lock(first, "expiring").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(300)));
        Lease current = lock(second, "expiring").acquire(Duration.ofSeconds(3));
        assertThat(current.fencingToken()).isGreaterThan(stale.fencingToken());

        assertThatThrownBy(() -> stale.extend(Duration.ofSeconds(10))).isInstanceOf(LeaseNotHeldException.class);
        assertThatThrownBy(stale::release).isInstanceOf(LeaseNotHeldException.class);

        assertThat(current.isHeld()).isTrue();
        LockInfo info = second.admin().inspect("expiring");
        assertThat(info.state()).isEqualTo(LockInfo.State.HELD);
        assertThat(info.holder().orElseThrow().fencingToken()).isEqualTo(current.fencingToken());
        current.release();
    }

    @Test
    void anExplicitLeaseExpiresOnItsOwnAndIsReportedLost() throws Exception {
        Warden warden = wardens.open();
        Lease lease = lock(warden, "fixed").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(400)));
        assertThat(lease.isWatched()).isFalse();
        LeaseLostEvent event = lease.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(event.cause()).isEqualTo(LossCause.EXPIRED);
        assertThat(lease.isHeld()).isFalse();
        Await.until(
                "the key expired on the server",
                Duration.ofSeconds(3),
                () -> redis("warden:{fixed}", "EXISTS", "warden:{fixed}").equals(0L));
    }

    @Test
    void remainingNeverOverstatesTheServersTtl() throws Exception {
        Lease lease =
                lock(wardens.open(), "ttl").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofSeconds(10)));
        long asked = System.nanoTime();
        Duration remaining = lease.remaining();
        long pttl = (Long) redis("warden:{ttl}", "PTTL", "warden:{ttl}");
        // The server's TTL when remaining() was asked: PTTL plus the time PTTL took to come back
        // (a topology hook may ask other nodes first, as Sentinel's asks the sentinels).
        long ttlWhenAsked = pttl + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked + 999_999);
        assertThat(remaining.toMillis()).isLessThanOrEqualTo(ttlWhenAsked).isGreaterThan(8_000);
        lease.release();
    }

    @Test
    void extendIsOwnerCheckedAndMovesTheExpiry() throws Exception {
        Lease lease =
                lock(wardens.open(), "extend").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofSeconds(2)));
        lease.extend(Duration.ofSeconds(20));
        assertThat((Long) redis("warden:{extend}", "PTTL", "warden:{extend}")).isGreaterThan(15_000L);
        assertThat(lease.remaining()).isGreaterThan(Duration.ofSeconds(15));
        lease.release();
    }

    // ---- fencing ---------------------------------------------------------------------------------

    @Test
    void fencingTokensStrictlyIncreaseAcrossReleasesExpiryAndClients() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Warden w = i % 2 == 0 ? a : b;
            try (Lease lease = lock(w, "fenced").acquire(Duration.ofSeconds(2))) {
                tokens.add(lease.fencingToken());
            }
        }
        Lease expiring = lock(a, "fenced").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(200)));
        tokens.add(expiring.fencingToken());
        try (Lease after = lock(b, "fenced").acquire(Duration.ofSeconds(3))) {
            tokens.add(after.fencingToken());
        }
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).isGreaterThan(tokens.get(i - 1));
        }
        long last = tokens.get(tokens.size() - 1);
        if (minorityGrantsMintTokens()) {
            assertThat(a.admin().inspect("fenced").lastFencingToken()).isGreaterThanOrEqualTo(last);
        } else {
            assertThat(a.admin().inspect("fenced").lastFencingToken()).isEqualTo(last);
        }
    }

    /**
     * True where an attempt that missed its majority may still have minted a token on a node
     * (Redlock): the admin view then shows an upper bound of the last token handed out. False by
     * default.
     */
    public boolean minorityGrantsMintTokens() {
        return false;
    }

    @Test
    void fencingTokensAreFlooredByTheServersClockByDefault() throws Exception {
        long before = System.currentTimeMillis() * 1_000L;
        try (Lease lease = lock(wardens.open(), "clocked").acquire(Duration.ofSeconds(2))) {
            // The servers run on this machine, so their clock is ours (1 s of slack either way).
            assertThat(lease.fencingToken())
                    .isBetween(before - 1_000_000L, System.currentTimeMillis() * 1_000L + 1_000_000L);
        }
    }

    @Test
    void smallFencingTokensCountFromOneWhenAskedFor() throws Exception {
        Warden warden = wardens.open(b -> b.fencingTokens(FencingTokens.COUNTER));
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (Lease lease = lock(warden, "small").acquire(Duration.ofSeconds(2))) {
                tokens.add(lease.fencingToken());
            }
        }
        assertThat(tokens).containsExactly(1L, 2L, 3L);
    }

    @Test
    void fencingCanBeTurnedOffForHighCardinalityNames() throws Exception {
        Warden warden = wardens.open(b -> b.fencing(false));
        Lease lease = lock(warden, "no-fence").acquire(Duration.ZERO);
        assertThatThrownBy(lease::fencingToken)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-fence");
        lease.release();
        assertThat(redis("warden:{no-fence}:fence", "EXISTS", "warden:{no-fence}:fence"))
                .isEqualTo(0L);
    }

    // ---- waiting ---------------------------------------------------------------------------------

    @Test
    void aTimedOutWaiterGetsLockTimeoutExceptionNamingTheLockAndHolder() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease held = lock(a, "busy").acquire(Duration.ZERO);
        long start = System.nanoTime();
        assertThatThrownBy(() -> lock(b, "busy").acquire(Duration.ofMillis(300)))
                .isInstanceOf(LockTimeoutException.class)
                .hasMessageContaining("busy")
                .hasMessageContaining(b.redisAddress())
                .satisfies(e -> assertThat(((LockTimeoutException) e).holder()).isPresent());
        assertThat(Await.millisSince(start)).isBetween(250L, 3_000L);
        held.release();
    }

    @Test
    void aWaiterIsWokenByReleaseLongBeforeItsBackoff() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open(
                builder -> builder.waitBackoff(Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(5))));
        Lease held = lock(a, "handoff").acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = lock(b, "handoff").acquireAsync(Duration.ofSeconds(10));
        Await.sleep(300); // let the waiter subscribe and go to sleep
        long released = System.nanoTime();
        held.release();
        Lease next = waiting.get(5, TimeUnit.SECONDS);
        assertThat(Await.millisSince(released)).isLessThan(1_000);
        next.release();
    }

    /** Expiry publishes nothing (python-redis-lock's waiters sleep to their timeout): wake at the TTL. */
    @Test
    void aWaiterIsWokenWhenTheHoldersLeaseExpiresWithoutAnyMessage() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open(
                builder -> builder.waitBackoff(Backoff.exponential(Duration.ofSeconds(20), Duration.ofSeconds(20))));
        lock(a, "abandoned").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(700)));
        long start = System.nanoTime();
        try (Lease lease = lock(b, "abandoned").acquire(Duration.ofSeconds(10))) {
            assertThat(lease.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(start)).isLessThan(3_000);
    }

    @Test
    void anInterruptedWaiterThrowsAndLeavesNothingBehind() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease held = lock(a, "interrupt-me").acquire(Duration.ZERO);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                lock(b, "interrupt-me").acquire(Duration.ofSeconds(30));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waiter.start();
        Await.until(
                "the waiter subscribed",
                Duration.ofSeconds(5),
                () -> subscribers("warden:{interrupt-me}:released") == 1);
        waiter.interrupt();
        waiter.join(5_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        Await.until(
                "the waiter's subscription was dropped",
                Duration.ofSeconds(5),
                () -> subscribers("warden:{interrupt-me}:released") == 0);
        held.release();
        assertThat(lock(b, "interrupt-me").tryAcquire()).isPresent();
    }

    @Test
    void aCancelledAsyncAcquisitionWithdrawsTheWaiter() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease held = lock(a, "async").acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = lock(b, "async").acquireAsync(Duration.ofSeconds(30));
        Await.until("the waiter subscribed", Duration.ofSeconds(5), () -> subscribers("warden:{async}:released") == 1);
        assertThat(waiting.cancel(true)).isTrue();
        held.release();
        Await.until(
                "the subscription was dropped",
                Duration.ofSeconds(5),
                () -> subscribers("warden:{async}:released") == 0);
        assertThat(lock(a, "async").tryAcquire()).isPresent();
    }

    // ---- interrupts and release ------------------------------------------------------------------

    @Test
    void releaseReachesRedisFromAnInterruptedThread() throws Exception {
        Lease lease = lock(wardens.open(), "interrupted-release").acquire(Duration.ZERO);
        Thread.currentThread().interrupt();
        try {
            lease.release();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(redis("warden:{interrupted-release}", "EXISTS", "warden:{interrupted-release}"))
                .isEqualTo(0L);
    }

    // ---- names and foreign data --------------------------------------------------------------

    /**
     * Redis Cluster hashes only the text between a key's first '{' and the next '}': a name starting
     * with '}' would leave an empty tag and scatter the lock's keys over slots (CROSSSLOT), so it is
     * refused on every topology alike; a '}' or '{' anywhere else keeps one tag and works.
     */
    @Test
    void aNameStartingWithAClosingBraceIsRejectedAndBracesElsewhereWork() throws Exception {
        Warden warden = wardens.open();
        Warden other = wardens.open();
        assertThatThrownBy(() -> lock(warden, "}x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'}x'")
                .hasMessageContaining("hash tag");
        assertThatThrownBy(() -> warden.task("}x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> warden.admin().inspect("}x")).isInstanceOf(IllegalArgumentException.class);
        for (String name : List.of("a}b", "{x}", "{", "a}")) {
            String key = "warden:{" + name + "}";
            Lease lease = lock(warden, name).acquire(Duration.ZERO);
            assertThat(lease.fencingToken()).as(name).isPositive();
            assertThat(redis(key, "EXISTS", key)).as(key).isEqualTo(1L);
            assertThat(lock(other, name).tryAcquire()).isEmpty();
            CompletableFuture<Lease> waiting = lock(other, name).acquireAsync(Duration.ofSeconds(5));
            lease.release();
            Lease next = waiting.get(5, TimeUnit.SECONDS);
            assertThat(next.fencingToken()).as(name).isGreaterThan(lease.fencingToken());
            next.release();
            assertThat(redis(key, "EXISTS", key)).as(key).isEqualTo(0L);
        }
        Lease held = lock(warden, "a}b").acquire(Duration.ZERO);
        assertThat(warden.admin().list("a}")).extracting(LockInfo::name).containsExactly("a}b");
        held.release();
    }

    @Test
    void aKeyHoldingForeignDataIsReportedAndLeftUntouched() {
        redis("warden:{foreign}", "SET", "warden:{foreign}", "someone else's value");
        Warden warden = wardens.open();
        assertThatThrownBy(() -> lock(warden, "foreign").acquire(Duration.ofSeconds(1)))
                .isInstanceOf(LockKeyConflictException.class)
                .hasMessageContaining("foreign")
                .hasMessageContaining("warden:{foreign}");
        assertThat(redis("warden:{foreign}", "GET", "warden:{foreign}")).isEqualTo("someone else's value");
        assertThat(redis("warden:{foreign}", "TTL", "warden:{foreign}")).isEqualTo(-1L);
    }

    @Test
    void aHashWithoutAnOwnerIsForeignDataAndIsLeftUntouched() {
        redis("warden:{profile}", "HSET", "warden:{profile}", "name", "someone's hash");
        Warden warden = wardens.open();
        assertThatThrownBy(() -> lock(warden, "profile").tryAcquire()).isInstanceOf(LockKeyConflictException.class);
        assertThat(warden.admin().inspect("profile").state()).isEqualTo(LockInfo.State.FOREIGN);
        assertThatThrownBy(() -> warden.admin().forceUnlock("profile")).isInstanceOf(LockKeyConflictException.class);
        assertThat(redis("warden:{profile}", "HGETALL", "warden:{profile}"))
                .isEqualTo(List.of("name", "someone's hash"));
    }

    @Test
    void aFencingCounterHoldingForeignDataIsReportedAndNoLockIsTaken() {
        redis("warden:{bad-fence}", "RPUSH", "warden:{bad-fence}:fence", "x");
        Warden warden = wardens.open();
        assertThatThrownBy(() -> lock(warden, "bad-fence").tryAcquire())
                .isInstanceOf(LockKeyConflictException.class)
                .hasMessageContaining("warden:{bad-fence}:fence");
        assertThat(redis("warden:{bad-fence}", "EXISTS", "warden:{bad-fence}")).isEqualTo(0L);
        assertThat(redis("warden:{bad-fence}", "LRANGE", "warden:{bad-fence}:fence", "0", "-1"))
                .isEqualTo(List.of("x"));
    }

    // ---- operator views --------------------------------------------------------------------------

    @Test
    void adminInspectsListsAndForceUnlocks() throws Exception {
        Warden warden = wardens.open();
        Warden waiterSide = wardens.open();
        Lease a = lock(warden, "jobs:a").acquire(Duration.ZERO);
        Lease b = lock(warden, "jobs:b").acquire(Duration.ZERO);
        Lease other = lock(warden, "other").acquire(Duration.ZERO);

        LockInfo info = warden.admin().inspect("jobs:a");
        assertThat(info.state()).isEqualTo(LockInfo.State.HELD);
        assertThat(info.holder().orElseThrow().pid())
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(info.ttl()).hasValueSatisfying(ttl -> assertThat(ttl).isPositive());
        assertThat(warden.admin().list("jobs:")).extracting(LockInfo::name).containsExactly("jobs:a", "jobs:b");

        CompletableFuture<Lease> waiting = lock(waiterSide, "jobs:a").acquireAsync(Duration.ofSeconds(10));
        assertThat(warden.admin().forceUnlock("jobs:a"))
                .flatMap(LockInfo::holder)
                .map(HolderInfo::fencingToken)
                .contains(a.fencingToken());
        waiting.get(5, TimeUnit.SECONDS).release();
        assertThat(warden.admin().forceUnlock("jobs:a")).isEmpty();
        assertThat(warden.admin().inspect("never-used").state()).isEqualTo(LockInfo.State.FREE);
        b.release();
        other.release();
    }

    @Test
    void aLockKeyWithoutHolderOrExpiryIsShownAsSuchAndForceUnlockReportsWhatItDeleted() {
        redis("warden:{bare}", "HSET", "warden:{bare}", "owner", "written-by-hand");
        Warden warden = wardens.open();

        LockInfo info = warden.admin().inspect("bare");
        Optional<LockInfo> removed = warden.admin().forceUnlock("bare");

        assertThat(info.state()).isEqualTo(LockInfo.State.HELD);
        assertThat(info.holder()).isEmpty();
        assertThat(info.ttl()).as("no expiry, not zero").isEmpty();
        assertThat(removed).hasValueSatisfying(lock -> {
            assertThat(lock.state()).isEqualTo(LockInfo.State.HELD);
            assertThat(lock.holder()).isEmpty();
            assertThat(lock.ttl()).isEmpty();
        });
        assertThat(redis("warden:{bare}", "EXISTS", "warden:{bare}")).isEqualTo(0L);
        assertThat(warden.admin().forceUnlock("bare")).isEmpty();
        assertThat(warden.admin().inspect("bare").ttl()).contains(Duration.ZERO);
    }

    @Test
    void aFencingCounterHoldingGarbageMakesTheLockForeignAndIsListedWithStrayKeys() {
        redis("warden:{garbage}", "SET", "warden:{garbage}:fence", "not-a-number");
        redis("warden:{" + "z".repeat(600) + "}", "SET", "warden:{" + "z".repeat(600) + "}", "stray");
        Warden warden = wardens.open();

        LockInfo info = warden.admin().inspect("garbage");

        assertThat(info.state()).isEqualTo(LockInfo.State.FOREIGN);
        assertThat(info.foreignKey()).contains("warden:{garbage}:fence");
        assertThat(warden.admin().list(""))
                .extracting(LockInfo::name, LockInfo::state, LockInfo::foreignKey)
                .containsExactly(
                        tuple("garbage", LockInfo.State.FOREIGN, Optional.of("warden:{garbage}:fence")),
                        tuple(
                                "z".repeat(600),
                                LockInfo.State.FOREIGN,
                                Optional.of("warden:{" + "z".repeat(600) + "}")));
    }

    @Test
    void aWatchedHolderNoticesAForcedUnlockWithinAboutARoundTripNotAtItsNextRenewal() throws Exception {
        Warden holderSide = wardens.open(b -> b.noticeForcedUnlock(true));
        Warden operator = wardens.open();
        // Renewed every 10 s: only the release message can make the loss known within the bound below.
        Lease lease = lock(holderSide, "forced")
                .acquire(
                        Duration.ZERO,
                        LeaseOptions.leaseTime(Duration.ofSeconds(30)).withWatchdog(true));
        Await.until("the holder listens", Duration.ofSeconds(5), () -> subscribers("warden:{forced}:released") == 1);

        long start = System.nanoTime();
        assertThat(operator.admin().forceUnlock("forced")).isPresent();
        LeaseLostEvent event = lease.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(Await.millisSince(start)).as("ms to notice").isLessThan(2_000);
        assertThat(event.cause()).isEqualTo(LossCause.KEY_DELETED);
        assertThat(lease.isHeld()).isFalse();
        Await.until(
                "the holder stops listening",
                Duration.ofSeconds(5),
                () -> subscribers("warden:{forced}:released") == 0);
    }

    /** Listening costs a subscription per held lock: by default a holder does not (the CLI does). */
    @Test
    void byDefaultAHolderDoesNotListenOnItsLocksChannel() throws Exception {
        Lease lease = lock(wardens.open(), "quiet").acquire(Duration.ZERO);
        Await.sleep(300);
        assertThat(subscribers("warden:{quiet}:released")).isZero();
        lease.release();
    }

    @Test
    void closingWardenReleasesItsLeasesAndTellsTheirHolders() throws Exception {
        Warden warden = wardens.open();
        Lease lease = lock(warden, "closing").acquire(Duration.ZERO);
        warden.close();
        assertThat(lease.lostFuture()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .cause())
                .isEqualTo(LossCause.WARDEN_CLOSED);
        assertThat(lease.isHeld()).isFalse();
        assertThat(redis("warden:{closing}", "EXISTS", "warden:{closing}")).isEqualTo(0L);
        assertThatThrownBy(() -> lock(warden, "closing")).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Subscribers of a release channel, by default {@code PUBSUB NUMSUB} through {@link #redis}; a
     * Cluster on Redis 7 uses sharded channels, counted separately.
     */
    public long subscribers(String channel) {
        List<?> reply = (List<?>) redis(channel, "PUBSUB", "NUMSUB", channel);
        return (Long) reply.get(1);
    }
}
