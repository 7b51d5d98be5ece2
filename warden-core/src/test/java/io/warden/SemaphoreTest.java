package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.fixtures.PermitMain;
import io.warden.testkit.Await;
import io.warden.testkit.ChildJvm;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The semaphore on a real Redis: the limit holds across processes, dead holders free their permits. */
@WithRedis
class SemaphoreTest extends OneServerTest {
    private final List<ChildJvm> children = new ArrayList<>();

    SemaphoreTest(RedisServer server) {
        super(server);
    }

    @AfterEach
    void stopChildren() {
        children.forEach(ChildJvm::close);
    }

    private ChildJvm child(String... args) {
        ChildJvm jvm = ChildJvm.start(PermitMain.class, args);
        children.add(jvm);
        return jvm;
    }

    record Interval(long start, long end) {}

    @Test
    void processesAndThreadsContendingForThreePermitsNeverHoldMoreThanThreeAtOnce() {
        for (int i = 0; i < 3; i++) {
            child(server.uri(), "pool", "3", "contend", "3", "4000");
        }
        List<long[]> events = new ArrayList<>();
        int sections = 0;
        for (ChildJvm jvm : children) {
            assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
            for (String line : jvm.stdout()) {
                if (line.startsWith("CS ")) {
                    String[] f = line.split(" ");
                    events.add(new long[] {Long.parseLong(f[1]), 1});
                    events.add(new long[] {Long.parseLong(f[2]), -1});
                    sections++;
                }
            }
        }
        assertThat(sections).isGreaterThan(30);
        // Ends sort before starts at the same instant: a hold that ended is no longer counted.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int holding = 0;
        int most = 0;
        for (long[] event : events) {
            holding += (int) event[1];
            most = Math.max(most, holding);
        }
        assertThat(most).as("most holds at one instant").isLessThanOrEqualTo(3);
        assertThat(most).as("the permits were shared, not taken one at a time").isGreaterThan(1);
    }

    @Test
    void aKilledHoldersPermitIsFreeWithinItsLeasePlusOneSecond() throws Exception {
        ChildJvm holder = child(server.uri(), "crash", "1", "hold", "1000");
        holder.awaitLine(l -> l.startsWith("ACQUIRED"), Duration.ofSeconds(30));
        DistributedSemaphore semaphore = wardens.open().semaphore("crash", 1);
        assertThat(semaphore.tryAcquire()).isEmpty();
        holder.kill();
        long killed = System.nanoTime();
        try (Permit permit = semaphore.acquire(Duration.ofSeconds(10))) {
            assertThat(permit.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(killed)).isLessThan(2_000);
    }

    @Test
    void aPausedHolderIsToldItLostItsPermit() throws Exception {
        ChildJvm holder = child(server.uri(), "paused", "1", "hold", "1000");
        long oldToken = Long.parseLong(holder.awaitLine(l -> l.startsWith("ACQUIRED"), Duration.ofSeconds(30))
                .split(" ")[1]);
        holder.pause();
        try (Permit permit = wardens.open().semaphore("paused", 1).acquire(Duration.ofSeconds(10))) {
            holder.resume();
            String lost = holder.awaitLine(l -> l.startsWith("LOST"), Duration.ofSeconds(10));
            assertThat(lost).contains("held=false");
            assertThat(permit.fencingToken()).isGreaterThan(oldToken);
        }
    }

    @Test
    void aHandleWithAnotherCountIsRefusedNamingTheSemaphoreUntilResized() throws Exception {
        Warden warden = wardens.open();
        Permit first = warden.semaphore("sized", 2).acquire(Duration.ZERO);
        assertThatThrownBy(() -> warden.semaphore("sized", 3).acquire(Duration.ZERO))
                .isInstanceOf(PermitCountMismatchException.class)
                .hasMessageContaining("sized")
                .hasMessageContaining("2 permits")
                .satisfies(e ->
                        assertThat(((PermitCountMismatchException) e).stored()).isEqualTo(2));
        DistributedSemaphore bigger = warden.semaphore("sized", 3).resize(3);
        Permit second = bigger.acquire(Duration.ZERO);
        Permit third = warden.semaphore("sized", 3).acquire(Duration.ZERO);
        assertThat(warden.semaphore("sized", 3).tryAcquire()).isEmpty();
        assertThatThrownBy(() -> warden.semaphore("sized", 2).tryAcquire())
                .isInstanceOf(PermitCountMismatchException.class);

        // Lowered below the units in use: holders keep theirs, new ones wait until below the limit.
        Optional<Permit> refused = warden.semaphore("sized", 1).resize(1).tryAcquire();
        assertThat(refused).isEmpty();
        assertThat(first.isHeld() && second.isHeld() && third.isHeld()).isTrue();
        first.release();
        second.release();
        assertThat(warden.semaphore("sized", 1).tryAcquire()).isEmpty();
        third.release();
        assertThat(warden.semaphore("sized", 1).tryAcquire()).isPresent();
    }

    @Test
    void moreUnitsThanTheLimitAreRefusedAtOnce() {
        DistributedSemaphore semaphore = wardens.open().semaphore("small", 2);
        assertThatThrownBy(() -> semaphore.acquire(3, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("small")
                .hasMessageContaining("3 permits of 2");
        assertThatThrownBy(() -> semaphore.tryAcquire(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> wardens.open().semaphore("small", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unitsCountAgainstTheLimit() throws Exception {
        DistributedSemaphore semaphore = wardens.open().semaphore("units", 5);
        Permit three = semaphore.acquire(3, Duration.ZERO);
        assertThat(three.units()).isEqualTo(3);
        assertThat(semaphore.tryAcquire(3)).isEmpty();
        Permit two = semaphore.tryAcquire(2).orElseThrow();
        assertThat(semaphore.tryAcquire()).isEmpty();
        three.release();
        assertThat(semaphore.tryAcquire(3)).isPresent();
        two.release();
    }

    @Test
    void aReleaseWakesAWaiterInAnotherProcessWithoutWaitingForTimers() throws Exception {
        Warden holderSide = wardens.open();
        Warden waiterSide =
                wardens.open(b -> b.waitBackoff(Backoff.exponential(Duration.ofSeconds(20), Duration.ofSeconds(20))));
        Permit held = holderSide.semaphore("wake", 1).acquire(Duration.ZERO);
        CompletableFuture<Permit> waiting = waiterSide.semaphore("wake", 1).acquireAsync(Duration.ofSeconds(30));
        Await.sleep(300);
        assertThat(waiting).isNotDone();
        long releasedAt = System.nanoTime();
        held.release();
        Permit woken = waiting.get(10, TimeUnit.SECONDS);
        assertThat(Await.millisSince(releasedAt)).isLessThan(2_000);
        woken.release();
    }

    @Test
    void waitersOfOneProcessAreServedInArrivalOrder() throws Exception {
        Warden warden = wardens.open();
        DistributedSemaphore semaphore = warden.semaphore("fifo", 2);
        Permit big = semaphore.acquire(2, Duration.ZERO);
        CompletableFuture<Permit> wantsTwo = semaphore.acquireAsync(2, Duration.ofSeconds(30));
        Await.sleep(100);
        CompletableFuture<Permit> wantsOne = semaphore.acquireAsync(1, Duration.ofSeconds(30));
        Await.sleep(100);
        big.release();
        Permit two = wantsTwo.get(10, TimeUnit.SECONDS);
        Await.sleep(200);
        assertThat(wantsOne).as("the later, smaller request did not overtake").isNotDone();
        two.release();
        wantsOne.get(10, TimeUnit.SECONDS).release();
    }

    @Test
    void permitsAreRenewedByTheWatchdogAndReleasedOnClose() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(600)));
        Permit permit = warden.semaphore("kept", 1).acquire(Duration.ZERO);
        Await.sleep(1_500);
        assertThat(permit.isHeld()).isTrue();
        assertThat(wardens.open().semaphore("kept", 1).tryAcquire()).isEmpty();
        warden.close();
        assertThat(permit.isHeld()).isFalse();
        assertThat(wardens.open().semaphore("kept", 1).tryAcquire()).isPresent();
    }

    @Test
    void aPermitWhoseKeyWasDeletedIsReportedLost() throws Exception {
        Permit permit = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(600)))
                .semaphore("deleted", 2)
                .acquire(Duration.ZERO);
        wardens.open().admin().forceUnlockSemaphore("deleted");
        LeaseLostEvent event = permit.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(event.cause()).isEqualTo(LossCause.KEY_DELETED);
        assertThat(permit.isHeld()).isFalse();
    }

    @Test
    void tenThousandPermitsAreRenewedInBatchesAsFullAsTenThousandLocks() throws Exception {
        int count = 10_000;
        double permitFill = renewalsPerScriptCall(
                count,
                (warden, i) -> warden.semaphore("many", count)
                        .acquireAsync(Duration.ofSeconds(60))
                        .thenApply(p -> (Lease) p));
        double lockFill = renewalsPerScriptCall(
                count, (warden, i) -> warden.lock("many:" + i).acquireAsync(Duration.ofSeconds(60)));
        System.out.printf(
                "renewals per renewal script call: %d permits %.0f, %d locks %.0f%n",
                count, permitFill, count, lockFill);
        // Full batches are 500 renewals a call (Watchdog.BATCH); how many calls a tick takes depends on
        // how the leases' due times fell, which the machine's load moves, so the batches' fill is
        // compared, not calls per tick. A permit renewed on its own would fill 1.
        assertThat(permitFill)
                .as("renewals per call for %d permits vs %d locks", count, count)
                .isGreaterThanOrEqualTo(250)
                .isGreaterThanOrEqualTo(lockFill * 2 / 3);
    }

    interface Taker {
        CompletableFuture<Lease> take(Warden warden, int i);
    }

    /**
     * Takes {@code count} leases, waits until each was renewed twice, and returns how many renewals
     * each renewal script call carried on the server, on average.
     */
    private double renewalsPerScriptCall(int count, Taker taker) throws Exception {
        Warden warden =
                wardens.open(b -> b.defaultLeaseTime(Duration.ofSeconds(9)).commandTimeout(Duration.ofSeconds(10)));
        List<CompletableFuture<Lease>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pending.add(taker.take(warden, i));
        }
        List<Lease> leases = new ArrayList<>();
        for (CompletableFuture<Lease> future : pending) {
            leases.add(future.get(120, TimeUnit.SECONDS));
        }
        WardenMetrics before = warden.metrics();
        long scriptsBefore = server.commandCalls("evalsha") + server.commandCalls("eval");
        Await.until(
                "every lease renewed twice",
                Duration.ofSeconds(60),
                () -> warden.metrics().renewalsSent() - before.renewalsSent() >= 2L * count);
        WardenMetrics after = warden.metrics();
        long scripts = server.commandCalls("evalsha") + server.commandCalls("eval") - scriptsBefore;
        long renewals = after.renewalsSent() - before.renewalsSent();
        assertThat(leases).allMatch(Lease::isHeld);
        assertThat(after.totalLeasesLost()).isZero();
        warden.close();
        return (double) renewals / Math.max(1, scripts);
    }

    @Test
    void redlockRefusesSemaphoresClearly() {
        try (Warden redlock = Warden.builder()
                .redlock(server.uri(), server.uri(), server.uri())
                .build()) {
            assertThatThrownBy(() -> redlock.semaphore("any", 2))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("any")
                    .hasMessageContaining("Redlock");
        }
    }
}
