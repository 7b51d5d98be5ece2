package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;

/**
 * The lock API's own behaviour, which no topology changes, run once on a single server (the shared
 * {@link LockContract} keeps what does depend on the topology). A test belongs here when what it
 * checks is decided in the client before or after the round trip, the same code on every topology:
 * argument validation, the handle's own state, re-entrancy bookkeeping (holds counted locally,
 * owners chosen locally), the local waiter queue, the {@link java.util.concurrent.locks.Lock} view,
 * guarded execution and key naming. Redis is needed only to take and release the lock; the scripts,
 * pub/sub hand-off, TTLs, fencing counter, foreign data and admin views stay in the contract.
 */
class LockApiTest extends OneServerTest {

    LockApiTest(RedisServer server) {
        super(server);
    }

    // ---- the handle --------------------------------------------------------------------------------

    @Test
    void doubleReleaseOfOneHandleIsReported() throws Exception {
        Lease lease = wardens.open().lock("twice").acquire(Duration.ZERO);
        lease.release();
        assertThatThrownBy(lease::release)
                .isInstanceOf(LeaseNotHeldException.class)
                .hasMessageContaining("twice")
                .satisfies(e -> assertThat(((LeaseNotHeldException) e).reason())
                        .isEqualTo(LeaseNotHeldException.Reason.ALREADY_RELEASED));
    }

    // ---- re-entrancy (holds and owners are counted locally) --------------------------------------

    @Test
    void theOwningThreadReentersWithoutARoundTripAndOnlyTheLastReleaseFreesTheLock() throws Exception {
        Warden warden = wardens.open();
        Warden other = wardens.open();
        DistributedLock lock = warden.lock("reentrant");
        Lease outer = lock.acquire(Duration.ZERO);
        long acquisitions = warden.metrics().acquisitions();
        Lease inner = lock.acquire(Duration.ZERO);
        assertThat(warden.metrics().acquisitions()).isEqualTo(acquisitions);
        assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
        assertThat(lock.isHeldByCurrentThread()).isTrue();

        inner.release();
        assertThat(outer.isHeld()).isTrue();
        assertThat(other.lock("reentrant").tryAcquire()).isEmpty();
        outer.release();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(other.lock("reentrant").tryAcquire()).isPresent();
    }

    @Test
    void anotherThreadOfTheSameWardenIsNotTheOwner() throws Exception {
        Warden warden = wardens.open();
        DistributedLock lock = warden.lock("per-thread");
        Lease lease = lock.acquire(Duration.ZERO);
        CompletableFuture<Optional<Lease>> fromOtherThread = CompletableFuture.supplyAsync(lock::tryAcquire);
        assertThat(fromOtherThread.get(5, TimeUnit.SECONDS)).isEmpty();
        lease.release();
    }

    @Test
    void anExplicitOwnerReentersFromAnyThread() throws Exception {
        Warden warden = wardens.open();
        DistributedLock lock = warden.lock("owned-by-job");
        Object job = new Object();
        Lease first = lock.acquire(Duration.ZERO, LeaseOptions.owner(job));
        Lease second = CompletableFuture.supplyAsync(
                        () -> lock.tryAcquire(LeaseOptions.owner(job)).orElseThrow())
                .get(5, TimeUnit.SECONDS);
        assertThat(second.fencingToken()).isEqualTo(first.fencingToken());
        second.release();
        first.release();
        assertThat(wardens.open().lock("owned-by-job").tryAcquire()).isPresent();
    }

    @Test
    void aNonReentrantAcquisitionWaitsEvenForItsOwnHolder() throws Exception {
        DistributedLock lock = wardens.open().lock("mutex");
        LeaseOptions once = LeaseOptions.defaults().withReentrant(false);
        Lease lease = lock.acquire(Duration.ZERO, once);
        assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(200), once)).isInstanceOf(LockTimeoutException.class);
        lease.release();
    }

    // ---- waiting (the local queue and the async entry point) -------------------------------------

    @Test
    void localWaitersAreServedInArrivalOrder() throws Exception {
        Warden warden = wardens.open();
        DistributedLock lock = warden.lock("fifo");
        Lease first = lock.acquire(Duration.ZERO, LeaseOptions.owner("holder"));
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (Lease lease = lock.acquire(Duration.ofSeconds(20))) {
                    order.add(id);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
            t.start();
            Await.until(
                    "waiter " + id + " queued",
                    Duration.ofSeconds(5),
                    () -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
            Await.sleep(50);
        }
        first.release();
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void acquireAsyncCompletesWithALease() throws Exception {
        Lease lease = wardens.open()
                .lock("async-ok")
                .acquireAsync(Duration.ofSeconds(1))
                .get(5, TimeUnit.SECONDS);
        assertThat(lease.isHeld()).isTrue();
        lease.release();
    }

    // ---- the java.util.concurrent view -----------------------------------------------------------

    @Test
    void theJavaLockViewIsAReentrantThreadOwnedLock() throws Exception {
        Warden warden = wardens.open();
        Lock lock = warden.lock("juc").asJavaLock();
        lock.lock();
        lock.lock();
        assertThat(CompletableFuture.supplyAsync(lock::tryLock).get(5, TimeUnit.SECONDS))
                .isFalse();
        lock.unlock();
        assertThat(CompletableFuture.supplyAsync(lock::tryLock).get(5, TimeUnit.SECONDS))
                .isFalse();
        lock.unlock();
        assertThatThrownBy(lock::unlock)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("juc");
        assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
        assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void lockKeepsWaitingThroughAnInterruptAndKeepsTheFlag() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease held = a.lock("uninterruptible").acquire(Duration.ZERO);
        Lock lock = b.lock("uninterruptible").asJavaLock();
        CountDownLatch locked = new CountDownLatch(1);
        AtomicReference<Boolean> flagAfterLock = new AtomicReference<>();
        Thread t = new Thread(() -> {
            lock.lock();
            flagAfterLock.set(Thread.currentThread().isInterrupted());
            Thread.interrupted();
            lock.unlock();
            locked.countDown();
        });
        t.start();
        Await.until(
                "the waiter subscribed",
                Duration.ofSeconds(5),
                () -> subscribers("warden:{uninterruptible}:released") == 1);
        t.interrupt();
        Await.sleep(100);
        assertThat(locked.getCount()).isEqualTo(1);
        held.release();
        assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(flagAfterLock.get()).isTrue();
    }

    // ---- guarded execution -----------------------------------------------------------------------

    @Test
    void callLockedReturnsTheValueAndReleases() throws Exception {
        Warden warden = wardens.open();
        String value = warden.lock("guarded").callLocked(Duration.ofSeconds(1), () -> {
            assertThat(warden.lock("guarded").isHeldByCurrentThread()).isTrue();
            return "done";
        });
        assertThat(value).isEqualTo("done");
        assertThat(redis("warden:{guarded}", "EXISTS", "warden:{guarded}")).isEqualTo(0L);
    }

    @Test
    void callLockedPropagatesTheTasksCheckedExceptionUnchangedAndReleases() {
        Warden warden = wardens.open();
        java.io.IOException failure = new java.io.IOException("disk full");
        assertThatThrownBy(() -> warden.lock("guarded-failing").callLocked(Duration.ofSeconds(1), () -> {
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(redis("warden:{guarded-failing}", "EXISTS", "warden:{guarded-failing}"))
                .isEqualTo(0L);
    }

    // ---- bad input and key naming ----------------------------------------------------------------

    @Test
    void invalidArgumentsAreRejectedUpFrontWithTheReason() {
        Warden warden = wardens.open();
        assertThatThrownBy(() -> warden.lock(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> warden.lock("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> warden.lock("x".repeat(513)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("512");
        DistributedLock lock = warden.lock("args");
        assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("args")
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> LeaseOptions.leaseTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> Warden.builder().keyPrefix("a{b}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Warden.builder().commandTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReleaseKeepingTheLockRejectsBadKeepTimesNamingTheLockAndReleasesNothing() throws Exception {
        Lease lease = wardens.open().lock("keep-args").acquire(Duration.ZERO);
        assertThatThrownBy(() -> lease.release(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep-args")
                .hasMessageContaining("keepLockedFor");
        assertThatThrownBy(() -> lease.release(Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep-args")
                .hasMessageContaining("1 ms");
        assertThatThrownBy(() -> lease.release(Duration.ofDays(3651)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3650 days");
        assertThatThrownBy(() -> lease.release((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThat(lease.isHeld()).isTrue();
        lease.release(Duration.ZERO);
        assertThat(server.command("EXISTS", "warden:{keep-args}"))
                .as("zero: released at once")
                .isEqualTo(0L);
    }

    @Test
    void keyPrefixesKeepApplicationsApart() throws Exception {
        Warden billing = wardens.open(b -> b.keyPrefix("billing"));
        Warden shipping = wardens.open(b -> b.keyPrefix("shipping"));
        Lease one = billing.lock("nightly").acquire(Duration.ZERO);
        Lease two = shipping.lock("nightly").acquire(Duration.ZERO);
        assertThat(redis("billing:{nightly}", "EXISTS", "billing:{nightly}")).isEqualTo(1L);
        one.release();
        two.release();
    }

    /** The raw command runs on the one server; {@code key} only names what the command is about. */
    private Object redis(String key, String... command) {
        return server.command(command);
    }

    /**
     * A watched holder that notices forced unlocks listens on its lock's release channel. Taking and
     * releasing a lock in a loop must not cost a SUBSCRIBE and an UNSUBSCRIBE each time: the unused
     * subscription lingers for the next holder, and is dropped a moment after the last.
     */
    @Test
    void aLockTakenInALoopKeepsOneSubscriptionAndDropsItWhenIdle() throws Exception {
        Warden warden = wardens.open(b -> b.noticeForcedUnlock(true));
        long before = server.commandCalls("subscribe");
        for (int i = 0; i < 50; i++) {
            warden.lock("loop").acquire(Duration.ZERO).release();
        }

        assertThat(server.commandCalls("subscribe") - before).isLessThanOrEqualTo(2);
        Await.until(
                "the idle subscription is dropped",
                Duration.ofSeconds(5),
                () -> subscribers("warden:{loop}:released") == 0);
    }

    private long subscribers(String channel) {
        List<?> reply = (List<?>) server.command("PUBSUB", "NUMSUB", channel);
        return (Long) reply.get(1);
    }
}
