package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.warden.testkit.Await;
import io.warden.testkit.FaultProxy;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for issue 13: Redis calls whose outcome the client does not learn in time (a
 * release that times out but lands later, a grant that arrives after its lease ran out, commands
 * that Lettuce replays after a reconnect). Public API only; every fault is real (SIGSTOP, a TCP
 * proxy adding latency or cutting connections).
 */
@WithRedis
class UncertainOutcomeTest extends OneServerTest {
    private FaultProxy proxy;

    UncertainOutcomeTest(RedisServer server) {
        super(server);
    }

    @AfterEach
    void closeProxy() {
        wardens.close(); // before the proxy, so closing Wardens does not wait on a dead proxy
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String key(String name) {
        return "warden:{" + name + "}";
    }

    private boolean exists(String name) {
        return Long.valueOf(1L).equals(server.command("EXISTS", key(name)));
    }

    /** A Warden whose connections go through a fault proxy, warmed up so no handshake is pending. */
    private Warden proxied(Duration commandTimeout, java.util.function.UnaryOperator<Warden.Builder> more)
            throws InterruptedException {
        proxy = FaultProxy.to(server);
        Warden warden = wardens.open(b -> more.apply(b.uri(proxy.uri()).commandTimeout(commandTimeout)));
        warden.lock("warm-up").acquire(Duration.ZERO).release();
        return warden;
    }

    /** Runs {@code action} on a daemon thread after {@code delayMillis}. */
    private static void later(long delayMillis, Runnable action) {
        Thread thread = new Thread(
                () -> {
                    Await.sleep(delayMillis);
                    action.run();
                },
                "test-later");
        thread.setDaemon(true);
        thread.start();
    }

    // ---- defect 1: an unconfirmed release is treated as held ------------------------------------

    /** Issue 13, defect 1. */
    @Test
    void aLeaseWhoseReleaseOutcomeIsUnknownIsNotHeldAndTheReleaseCanBeRetried() throws Exception {
        Warden warden = wardens.open();
        DistributedLock lock = warden.lock("unknown-release");
        Lease lease = lock.acquire(Duration.ZERO);
        server.pause();
        try {
            assertThatThrownBy(lease::release).isInstanceOf(RedisUnavailableException.class);
            assertThat(lease.isHeld())
                    .as("a lease whose release may have reached Redis must not report itself held")
                    .isFalse();
            assertThat(lock.isHeldByCurrentThread())
                    .as("isHeldByCurrentThread after an unconfirmed release")
                    .isFalse();
        } finally {
            server.resume();
        }
        lease.release(); // may be retried
        assertThat(exists("unknown-release")).isFalse();
    }

    /** Issue 13, defect 1: the late release deleted the key; re-entering the local lease gave two holders. */
    @Test
    void aReleaseWhoseOutcomeIsUnknownIsNeverReenteredSoTwoClientsNeverHoldAtOnce() throws Exception {
        Warden mine = wardens.open();
        Warden theirs = wardens.open();
        String name = "unknown-release-reentry";
        Lease first = mine.lock(name).acquire(Duration.ZERO);
        server.pause();
        try {
            assertThatThrownBy(first::release).isInstanceOf(RedisUnavailableException.class);
        } finally {
            server.resume();
        }
        Await.until("the late release reached Redis and deleted the key", Duration.ofSeconds(5), () -> !exists(name));

        // Same thread, same lock, default (re-entrant) options: this must go to Redis, not re-enter.
        Lease again = mine.lock(name).acquire(Duration.ofSeconds(2));
        Optional<Lease> other = theirs.lock(name).tryAcquire();
        try {
            assertThat(other.isPresent() && again.isHeld())
                    .as(
                            "two holders at once: this thread's lease (fencing token %d, held=%s) and another"
                                    + " client's (fencing token %s)",
                            again.fencingToken(),
                            again.isHeld(),
                            other.map(Lease::fencingToken).map(String::valueOf).orElse("-"))
                    .isFalse();
            assertThat(again.fencingToken())
                    .as("a new acquisition after an unconfirmed release gets a new fencing token")
                    .isGreaterThan(first.fencingToken());
        } finally {
            other.ifPresent(Lease::release);
        }
    }

    // ---- defect 2: a late grant hands out an expired lease and guarded calls run anyway ---------

    /** Issue 13, defect 2. */
    @Test
    void aGrantArrivingAfterItsLeaseRanOutIsNeverReturnedAsALease() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(4), b -> b);
        proxy.latency(Duration.ofMillis(600)); // 1.2 s round trip for a 300 ms lease
        later(1_000, () -> proxy.latency(Duration.ZERO)); // a retry after the late grant is fast
        Lease lease;
        try {
            lease = warden.lock("late-grant")
                    .acquire(Duration.ofSeconds(5), LeaseOptions.leaseTime(Duration.ofMillis(300)));
        } catch (LockTimeoutException allowed) {
            return; // giving the late grant back and timing out is fine
        }
        boolean heldAtReturn = lease.isHeld();
        assertThat(heldAtReturn)
                .as(
                        "acquire() returned a lease that is not held (remaining %s, key in Redis: %s)",
                        lease.remaining(), exists("late-grant"))
                .isTrue();
    }

    /** Issue 13, defect 2: callLocked ran its task on an expired lease while another client held the lock. */
    @Test
    void callLockedNeverRunsItsTaskOnALeaseThatArrivedExpired() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(4), b -> b.defaultLeaseTime(Duration.ofMillis(300)));
        Warden other = wardens.open();
        String name = "late-grant-call";
        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean otherGotIt = new AtomicBoolean();
        proxy.latency(Duration.ofMillis(600));
        later(1_000, () -> proxy.latency(Duration.ZERO));
        try {
            warden.lock(name).callLocked(Duration.ofSeconds(5), () -> {
                ran.set(true);
                other.lock(name).tryAcquire().ifPresent(theirs -> {
                    otherGotIt.set(true);
                    theirs.release();
                });
                return null;
            });
        } catch (LockTimeoutException | LeaseLostException ignored) {
            // judged by what the task saw below
        }
        assertThat(ran.get() && otherGotIt.get())
                .as("callLocked ran its task while another client could acquire the same lock")
                .isFalse();
    }

    /** Issue 13, defect 2: runIfFree ran its task on an expired lease while another client held the lock. */
    @Test
    void runIfFreeNeverRunsItsTaskOnALeaseThatArrivedExpired() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(4), b -> b);
        Warden other = wardens.open();
        String name = "late-grant-task";
        AtomicBoolean otherGotIt = new AtomicBoolean();
        AtomicReference<String> assertHeld = new AtomicReference<>("not run");
        proxy.latency(Duration.ofMillis(600));
        later(1_000, () -> proxy.latency(Duration.ZERO));
        TaskLock task = warden.task(name).lockAtMostFor(Duration.ofMillis(300)).watchdog(false);
        try {
            task.runIfFree(() -> {
                try {
                    TaskLock.assertHeld();
                    assertHeld.set("held");
                } catch (IllegalStateException e) {
                    assertHeld.set(e.getMessage());
                }
                other.lock(name).tryAcquire().ifPresent(theirs -> {
                    otherGotIt.set(true);
                    theirs.release();
                });
                return null;
            });
        } catch (LeaseLostException ignored) {
            // judged by what the task saw below
        }
        assertThat(otherGotIt.get())
                .as(
                        "runIfFree ran its task while another client could acquire the lock (TaskLock.assertHeld: %s)",
                        assertHeld.get())
                .isFalse();
    }

    // ---- defect 4: a replayed acquire waits for itself -----------------------------------------

    /** Issue 13, defect 4: the reply of a granted acquire is lost, Lettuce replays it after reconnecting. */
    @Test
    void aReplayedAcquireGetsTheLeaseOrLeavesNoOrphanedKey() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(5), b -> b);
        String name = "replayed-acquire";
        proxy.latency(Duration.ofMillis(500));
        CompletableFuture<Lease> acquiring = warden.lock(name).acquireAsync(Duration.ofSeconds(3));
        // The script ran (key set) while its reply still sits in the proxy: cut, so Lettuce replays it.
        Await.until("the acquire script ran", Duration.ofSeconds(3), () -> exists(name));
        proxy.cutAll();
        proxy.latency(Duration.ZERO);
        Lease lease;
        try {
            lease = acquiring.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable failure = e.getCause();
            long failedAt = System.nanoTime();
            while (exists(name) && Await.millisSince(failedAt) < 2_000) {
                Await.sleep(20);
            }
            if (exists(name)) {
                fail("the replayed acquire failed with " + failure + " and left its own key behind, orphaned for"
                        + " PTTL " + server.command("PTTL", key(name)) + " ms");
            }
            return;
        }
        assertThat(lease.isHeld()).isTrue();
        lease.release();
        assertThat(exists(name)).isFalse();
    }

    // ---- defect 5: a replayed release is reported as a lost lease --------------------------------

    /** Cuts every proxied connection once the release deleted the key, so its reply is lost and replayed. */
    private void loseTheReplyOfTheNextReleaseOf(String name) {
        proxy.latency(Duration.ofMillis(500));
        later(0, () -> {
            long start = System.nanoTime();
            while (exists(name) && Await.millisSince(start) < 3_000) {
                Await.sleep(5);
            }
            proxy.cutAll();
            proxy.latency(Duration.ZERO);
        });
    }

    /** Issue 13, defect 5. */
    @Test
    void aReplayedReleaseIsAReleaseNotALoss() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(5), b -> b);
        String name = "replayed-release";
        Lease lease = warden.lock(name).acquire(Duration.ZERO);
        loseTheReplyOfTheNextReleaseOf(name);
        Throwable thrown = null;
        try {
            lease.release();
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertThat(exists(name)).isFalse();
        assertThat(thrown).as("release() of a lease that was released").isNull();
        assertThat(lease.lostEvent())
                .as("lost event of a lease that was released")
                .isEmpty();
    }

    /** Issue 13, defect 5: callLocked threw LeaseLostException for a task that ran fully under the lock. */
    @Test
    void callLockedReportsNoLossWhenItsReleaseWasReplayed() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(5), b -> b);
        String name = "replayed-release-call";
        String result = warden.lock(name).callLocked(Duration.ofSeconds(2), () -> {
            loseTheReplyOfTheNextReleaseOf(name);
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(exists(name)).isFalse();
    }

    /** Issue 13, defect 5: runIfFree threw LeaseLostException for a task that ran fully under the lock. */
    @Test
    void runIfFreeReportsNoLossWhenItsReleaseWasReplayed() throws Exception {
        Warden warden = proxied(Duration.ofSeconds(5), b -> b);
        String name = "replayed-release-task";
        TaskResult<String> result = warden.task(name).runIfFree(() -> {
            loseTheReplyOfTheNextReleaseOf(name);
            return "done";
        });
        assertThat(result.executed()).isTrue();
        assertThat(result.value()).contains("done");
        assertThat(exists(name)).isFalse();
    }
}
