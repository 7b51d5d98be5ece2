package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a read-write lock must do on every topology that supports it (standalone, Sentinel,
 * Cluster): the applicable parts of {@link LockContract} for each side, and what only a read-write
 * lock has (overlapping readers, writer preference, per-reader leases, downgrade, shared fencing).
 * Several Wardens on one Redis stand for several processes. A subclass says how to reach Redis and
 * how to run a command on the node that holds a key, as for {@link LockContract}.
 */
public abstract class ReadWriteLockContract {
    protected WardenFixture wardens;

    public abstract Warden.Builder target(Warden.Builder builder);

    public abstract Object redis(String key, String... command);

    @BeforeEach
    void openFixture() {
        wardens = new WardenFixture(this::target);
    }

    @AfterEach
    void closeFixture() {
        wardens.close();
    }

    private static String key(String name, String part) {
        return "warden:{" + name + "}:rw:" + part;
    }

    // ---- exclusion -------------------------------------------------------------------------------

    @Test
    void readersOfSeveralClientsHoldAtOnce() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("catalog");
        DistributedReadWriteLock b = wardens.open().readWriteLock("catalog");
        try (Lease first = a.readLock().acquire(Duration.ZERO);
                Lease second = b.readLock().acquire(Duration.ZERO)) {
            assertThat(first.isHeld()).isTrue();
            assertThat(second.isHeld()).isTrue();
            assertThat(first.lockName()).isEqualTo("catalog");
            assertThat((Long) redis(key("catalog", "readers"), "ZCARD", key("catalog", "readers")))
                    .isEqualTo(2L);
        }
        assertThat(redis(key("catalog", "readers"), "EXISTS", key("catalog", "readers")))
                .as("the last reader's release leaves no readers' set behind")
                .isEqualTo(0L);
    }

    @Test
    void aWriterExcludesReadersAndWritersUntilReleased() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("prices");
        DistributedReadWriteLock b = wardens.open().readWriteLock("prices");
        try (Lease write = a.writeLock().acquire(Duration.ZERO)) {
            assertThat(write.isHeld()).isTrue();
            assertThat(b.readLock().tryAcquire()).isEmpty();
            assertThat(b.writeLock().tryAcquire()).isEmpty();
        }
        Optional<Lease> read = b.readLock().tryAcquire();
        assertThat(read).isPresent();
        read.get().release();
        Optional<Lease> write = b.writeLock().tryAcquire();
        assertThat(write).isPresent();
        write.get().release();
    }

    @Test
    void readersExcludeAWriterUntilTheLastOneLeaves() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("stock");
        DistributedReadWriteLock b = wardens.open().readWriteLock("stock");
        DistributedReadWriteLock writer = wardens.open().readWriteLock("stock");
        Lease first = a.readLock().acquire(Duration.ZERO);
        Lease second = b.readLock().acquire(Duration.ZERO);
        assertThat(writer.writeLock().tryAcquire()).isEmpty();
        first.release();
        assertThat(writer.writeLock().tryAcquire()).isEmpty();
        second.release();
        Optional<Lease> write = writer.writeLock().tryAcquire();
        assertThat(write).isPresent();
        write.get().release();
        assertThat(redis(key("stock", "intent"), "EXISTS", key("stock", "intent")))
                .as("a writer that does not wait leaves no intent marker")
                .isEqualTo(0L);
    }

    @Test
    void aWriterThatDoesNotWaitNeverHoldsReadersBack() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("menu");
        DistributedReadWriteLock b = wardens.open().readWriteLock("menu");
        try (Lease read = a.readLock().acquire(Duration.ZERO)) {
            assertThat(b.writeLock().tryAcquire()).isEmpty();
            Optional<Lease> another = b.readLock().tryAcquire();
            assertThat(another).isPresent();
            another.get().release();
        }
    }

    @Test
    void threadsOfOneClientReadTogetherAndWriteAlone() throws Exception {
        DistributedReadWriteLock lock = wardens.open().readWriteLock("threads");
        int threads = 4;
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger maxReaders = new AtomicInteger();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger writes = new AtomicInteger();
        // Until readers were seen together and the writer got in a few times: on a loaded machine
        // that takes longer, so the bound is generous and the loop ends as soon as both were seen.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean writer = t == 0;
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < until && (maxReaders.get() < 2 || writes.get() < 5)) {
                    try (Lease lease = (writer ? lock.writeLock() : lock.readLock()).acquire(Duration.ofSeconds(10))) {
                        if (writer) {
                            if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                                violation.set(
                                        "writer with " + readers.get() + " readers, " + writers.get() + " writers");
                            }
                            Thread.sleep(5);
                            writers.decrementAndGet();
                            writes.incrementAndGet();
                        } else {
                            int now = readers.incrementAndGet();
                            maxReaders.accumulateAndGet(now, Math::max);
                            if (writers.get() != 0) {
                                violation.set("reader while a writer holds");
                            }
                            Thread.sleep(50);
                            readers.decrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (writer) {
                        Await.sleep(30); // room for readers to overlap between writes
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join(30_000);
        }
        assertThat(violation.get()).isNull();
        assertThat(maxReaders.get()).as("readers overlapped").isGreaterThan(1);
        assertThat(writes.get()).as("the writer got in between").isGreaterThanOrEqualTo(5);
    }

    // ---- writer preference -----------------------------------------------------------------------

    @Test
    void aWaitingWriterStopsNewReadersAndIsWokenWhenTheLastReaderLeaves() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("report");
        DistributedReadWriteLock w = wardens.open().readWriteLock("report");
        DistributedReadWriteLock b = wardens.open().readWriteLock("report");
        Lease read = a.readLock().acquire(Duration.ZERO);
        CompletableFuture<Lease> writer = w.writeLock().acquireAsync(Duration.ofSeconds(20));
        Await.until(
                "the writer's intent marker is set",
                Duration.ofSeconds(5),
                () -> (Long) redis(key("report", "intent"), "EXISTS", key("report", "intent")) == 1L);
        assertThat(b.readLock().tryAcquire())
                .as("a new reader waits behind the waiting writer")
                .isEmpty();
        long released = System.nanoTime();
        read.release();
        Lease write = writer.get(10, TimeUnit.SECONDS);
        assertThat(Await.millisSince(released))
                .as("woken by the release message, not by its backoff or a marker refresh")
                .isLessThan(500);
        assertThat(redis(key("report", "intent"), "EXISTS", key("report", "intent")))
                .as("the granted writer removed its marker")
                .isEqualTo(0L);
        CompletableFuture<Lease> reader = b.readLock().acquireAsync(Duration.ofSeconds(10));
        Await.sleep(100);
        assertThat(reader).isNotDone();
        write.release();
        reader.get(5, TimeUnit.SECONDS).release();
    }

    @Test
    void aWriterBehindAStreamOfOverlappingReadersGetsInWithinAboutOneReaderHoldTime() throws Exception {
        long holdMillis = 400;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        CountDownLatch streaming = new CountDownLatch(3);
        for (int r = 0; r < 3; r++) {
            DistributedReadWriteLock lock = wardens.open().readWriteLock("feed");
            long offset = r * holdMillis / 3; // staggered, so some reader always holds
            Thread reader = new Thread(() -> {
                Await.sleep(offset);
                while (!stop.get()) {
                    try (Lease lease = lock.readLock().acquire(Duration.ofSeconds(30))) {
                        streaming.countDown();
                        Thread.sleep(holdMillis);
                    } catch (InterruptedException | LockTimeoutException e) {
                        return;
                    }
                }
            });
            readers.add(reader);
            reader.start();
        }
        try {
            assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
            DistributedReadWriteLock writer = wardens.open().readWriteLock("feed");
            for (int round = 0; round < 3; round++) {
                Await.sleep(holdMillis / 2);
                long asked = System.nanoTime();
                try (Lease write = writer.writeLock().acquire(Duration.ofSeconds(20))) {
                    assertThat(write.isHeld()).isTrue();
                }
                assertThat(Await.millisSince(asked))
                        .as("round %d: wait behind readers holding %d ms each", round, holdMillis)
                        .isLessThan(holdMillis + 1500);
            }
        } finally {
            stop.set(true);
            for (Thread reader : readers) {
                reader.join(10_000);
            }
        }
    }

    @Test
    void aWriterThatGivesUpTakesItsMarkerAway() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("gave-up");
        DistributedReadWriteLock w = wardens.open().readWriteLock("gave-up");
        try (Lease read = a.readLock().acquire(Duration.ZERO)) {
            assertThatThrownBy(() -> w.writeLock().acquire(Duration.ofMillis(300)))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("gave-up");
            Await.until(
                    "the marker is gone",
                    Duration.ofSeconds(2),
                    () -> (Long) redis(key("gave-up", "intent"), "EXISTS", key("gave-up", "intent")) == 0L);
            Optional<Lease> reader = w.readLock().tryAcquire();
            assertThat(reader).isPresent();
            reader.get().release();
        }
    }

    @Test
    void aDeadWaitingWritersMarkerHoldsReadersBackNoLongerThanItsOwnLease() throws Exception {
        // A marker as a writer that died while waiting leaves it: set, never refreshed.
        redis(
                key("orphan", "intent"),
                "HSET",
                key("orphan", "intent"),
                "owner",
                "dead",
                "host",
                "h",
                "pid",
                "1",
                "since",
                "0");
        redis(key("orphan", "intent"), "PEXPIRE", key("orphan", "intent"), "800");
        DistributedReadWriteLock lock = wardens.open().readWriteLock("orphan");
        assertThat(lock.readLock().tryAcquire()).isEmpty();
        long asked = System.nanoTime();
        try (Lease read = lock.readLock().acquire(Duration.ofSeconds(5))) {
            assertThat(read.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(asked)).isLessThan(800 + 1000);
    }

    // ---- phase fairness --------------------------------------------------------------------------

    /** Milliseconds on the clock of the Redis server that holds the lock {@code name}. */
    private long serverMillis(String name) {
        List<?> time = (List<?>) redis(key(name, "w"), "TIME");
        return Long.parseLong(time.get(0).toString()) * 1000
                + Long.parseLong(time.get(1).toString()) / 1000;
    }

    private long members(String name, String set) {
        return (Long) redis(key(name, set), "ZCARD", key(name, set));
    }

    @Test
    void aReaderWaitingBehindAWriterGetsInBeforeASecondWaitingWriter() throws Exception {
        DistributedReadWriteLock first = wardens.open().readWriteLock("phase");
        DistributedReadWriteLock reader = wardens.open().readWriteLock("phase");
        DistributedReadWriteLock second = wardens.open().readWriteLock("phase");
        Lease write = first.writeLock().acquire(Duration.ZERO);
        CompletableFuture<Lease> read = reader.readLock().acquireAsync(Duration.ofSeconds(20));
        Await.until(
                "the reader is admitted to the next read phase",
                Duration.ofSeconds(5),
                () -> members("phase", "admitted") == 1L);
        CompletableFuture<Lease> writer = second.writeLock().acquireAsync(Duration.ofSeconds(20));
        Await.until(
                "the second writer waits",
                Duration.ofSeconds(5),
                () -> (Long) redis(key("phase", "intent"), "EXISTS", key("phase", "intent")) == 1L);
        long released = System.nanoTime();
        write.release();
        Lease in = read.get(10, TimeUnit.SECONDS);
        assertThat(Await.millisSince(released))
                .as("woken by the writer's release message")
                .isLessThan(1000);
        Await.sleep(200);
        assertThat(writer).as("the second writer waits for the admitted reader").isNotDone();
        assertThat(wardens.open().readWriteLock("phase").readLock().tryAcquire())
                .as("a reader arriving now waits behind the waiting writer")
                .isEmpty();
        in.release();
        writer.get(10, TimeUnit.SECONDS).release();
    }

    @Test
    void everyWaitingReaderOfOneWardenIsWokenByTheWritersRelease() throws Exception {
        // Each reader owner has a gate of its own; they and the writers' gate share one channel.
        Lease write = wardens.open().readWriteLock("woken").writeLock().acquire(Duration.ZERO);
        DistributedReadWriteLock readers = wardens.open().readWriteLock("woken");
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            waiting.add(readers.readLock().acquireAsync(Duration.ofSeconds(20)));
        }
        Await.until("the readers wait", Duration.ofSeconds(5), () -> members("woken", "admitted") == 4L);
        // Their timers back off to between half a second and a second: a reader woken by its timer
        // alone would come in after the bound below as often as not.
        Await.sleep(2500);
        long released = System.nanoTime();
        write.release();
        List<Lease> in = new ArrayList<>();
        for (CompletableFuture<Lease> reader : waiting) {
            in.add(reader.get(10, TimeUnit.SECONDS));
        }
        assertThat(Await.millisSince(released))
                .as("every reader woken by the release message, not by its timer")
                .isLessThan(400);
        in.forEach(Lease::release);
    }

    @Test
    void aReaderArrivingWhileAWriterWaitsForReadersGoesAfterThatWriter() throws Exception {
        DistributedReadWriteLock inside = wardens.open().readWriteLock("after");
        DistributedReadWriteLock writerSide = wardens.open().readWriteLock("after");
        DistributedReadWriteLock late = wardens.open().readWriteLock("after");
        Lease read = inside.readLock().acquire(Duration.ZERO);
        CompletableFuture<Lease> writer = writerSide.writeLock().acquireAsync(Duration.ofSeconds(20));
        Await.until(
                "the writer waits",
                Duration.ofSeconds(5),
                () -> (Long) redis(key("after", "intent"), "EXISTS", key("after", "intent")) == 1L);
        CompletableFuture<Lease> lateRead = late.readLock().acquireAsync(Duration.ofSeconds(20));
        Await.until(
                "the late reader waits behind the writer",
                Duration.ofSeconds(5),
                () -> members("after", "waiting") == 1L);
        read.release();
        Lease write = writer.get(10, TimeUnit.SECONDS);
        assertThat(members("after", "admitted"))
                .as("the writer's grant admitted the reader that waited behind it")
                .isEqualTo(1L);
        Await.sleep(100);
        assertThat(lateRead).isNotDone();
        write.release();
        lateRead.get(10, TimeUnit.SECONDS).release();
    }

    @Test
    void aStreamOfWritersDoesNotKeepAWaitingReaderOut() throws Exception {
        long holdMillis = 100;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            DistributedReadWriteLock lock = wardens.open().readWriteLock("stream");
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    try (Lease lease = lock.writeLock().acquire(Duration.ofSeconds(30))) {
                        writes.incrementAndGet();
                        Thread.sleep(holdMillis);
                    } catch (InterruptedException | LockTimeoutException e) {
                        return;
                    }
                    // asks again at once: the other writer is already waiting
                }
            });
            writers.add(writer);
            writer.start();
        }
        try {
            Await.until("the writers take turns", Duration.ofSeconds(10), () -> writes.get() >= 4);
            DistributedReadWriteLock reader = wardens.open().readWriteLock("stream");
            for (int round = 0; round < 3; round++) {
                long asked = System.nanoTime();
                try (Lease read = reader.readLock().acquire(Duration.ofSeconds(20))) {
                    assertThat(read.isHeld()).isTrue();
                }
                assertThat(Await.millisSince(asked))
                        .as("round %d: wait behind writers holding %d ms each", round, holdMillis)
                        .isLessThan(holdMillis + 1500);
                int before = writes.get();
                Await.until("a writer gets in again", Duration.ofSeconds(10), () -> writes.get() > before);
            }
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
        }
    }

    @Test
    void aDeadWaitingReadersRegistrationBlocksWritersNoLongerThanItsLease() throws Exception {
        // A registration as a reader that died while waiting behind a waiting writer leaves it.
        long planted = System.nanoTime();
        redis(
                key("ghost", "waiting"),
                "ZADD",
                key("ghost", "waiting"),
                Long.toString(serverMillis("ghost") + 800),
                "dead");
        redis(key("ghost", "waiting"), "PEXPIRE", key("ghost", "waiting"), "3000");
        DistributedReadWriteLock a = wardens.open().readWriteLock("ghost");
        DistributedReadWriteLock b = wardens.open().readWriteLock("ghost");
        a.writeLock().acquire(Duration.ZERO).release(); // its grant admits the registration
        assertThat(b.writeLock().tryAcquire())
                .as("the next writer waits for the admitted reader")
                .isEmpty();
        try (Lease write = b.writeLock().acquire(Duration.ofSeconds(5))) {
            assertThat(write.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(planted)).isLessThan(800 + 1000);
    }

    @Test
    void anAdmittedReaderThatNeverComesHoldsWritersBackNoLongerThanItsRegistration() throws Exception {
        long planted = System.nanoTime();
        redis(
                key("absent", "admitted"),
                "ZADD",
                key("absent", "admitted"),
                Long.toString(serverMillis("absent") + 800),
                "dead");
        redis(key("absent", "admitted"), "PEXPIRE", key("absent", "admitted"), "3000");
        DistributedReadWriteLock lock = wardens.open().readWriteLock("absent");
        assertThat(lock.writeLock().tryAcquire()).isEmpty();
        try (Lease write = lock.writeLock().acquire(Duration.ofSeconds(5))) {
            assertThat(write.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(planted)).isLessThan(800 + 1000);
    }

    @Test
    void aReaderThatGivesUpWithdrawsItsRegistration() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("withdrawn");
        DistributedReadWriteLock r = wardens.open().readWriteLock("withdrawn");
        Lease write = a.writeLock().acquire(Duration.ZERO);
        assertThatThrownBy(() -> r.readLock().acquire(Duration.ofMillis(300))).isInstanceOf(LockTimeoutException.class);
        Await.until(
                "the registration is gone",
                Duration.ofSeconds(2),
                () -> (Long) redis(key("withdrawn", "admitted"), "EXISTS", key("withdrawn", "admitted")) == 0L);
        write.release();
        Optional<Lease> next = r.writeLock().tryAcquire();
        assertThat(next).as("no reader is owed a turn").isPresent();
        next.get().release();
    }

    // ---- per-reader leases -----------------------------------------------------------------------

    /**
     * The hole in read-write locks whose readers' shares are kept alive together: in Redisson's
     * RReadWriteLock every read acquisition and renewal sets the TTL of the one lock key
     * (redisson/redisson#2144), and until 2026 a live instance's watchdog renewed the timeout keys of
     * a crashed instance's readers as well, so the dead reader blocked writers for as long as anyone
     * read (redisson/redisson#1458, fixed by PR #7098). Here a reader that stops renewing frees its
     * share at its own expiry while another reader is being renewed by the watchdog.
     */
    @Test
    void aReaderThatStopsRenewingFreesItsShareAtItsOwnExpiryWhileOthersRenew() throws Exception {
        Warden dead = wardens.open();
        // Shorter than the sleep below, so that it is held only if the watchdog renewed it; not so
        // short that a loaded machine's stall loses it (600 ms did once at load 5).
        Warden alive = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(900)));
        Warden writerSide = wardens.open();
        Lease crashed = dead.readWriteLock("shared")
                .readLock()
                .acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(1500))); // never released
        Lease renewed = alive.readWriteLock("shared").readLock().acquire(Duration.ZERO);
        long start = System.nanoTime();
        CompletableFuture<Lease> writer =
                writerSide.readWriteLock("shared").writeLock().acquireAsync(Duration.ofSeconds(20));
        Await.sleep(1000); // the live reader is renewed meanwhile
        assertThat(renewed.isHeld()).isTrue();
        renewed.release();
        Lease write = writer.get(10, TimeUnit.SECONDS);
        assertThat(Await.millisSince(start))
                .as("the writer waited for the stopped reader's own lease (1.5 s), not longer")
                .isLessThan(1500 + 1000);
        assertThat(crashed.isHeld()).isFalse();
        write.release();
    }

    @Test
    void aReaderWhoseLeaseExpiredIsRemovedFromTheReadersSetByTheNextWriter() throws Exception {
        Warden warden = wardens.open();
        warden.readWriteLock("expired")
                .readLock()
                .acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(300)));
        Await.sleep(500);
        try (Lease write = warden.readWriteLock("expired").writeLock().acquire(Duration.ZERO)) {
            assertThat(write.isHeld()).isTrue();
        }
        assertThat(redis(key("expired", "readers"), "EXISTS", key("expired", "readers")))
                .isEqualTo(0L);
    }

    // ---- downgrade, upgrade ----------------------------------------------------------------------

    @Test
    void aWriterDowngradesToReadWithoutLettingAnotherWriterIn() throws Exception {
        DistributedReadWriteLock mine = wardens.open().readWriteLock("downgrade");
        DistributedReadWriteLock other = wardens.open().readWriteLock("downgrade");
        Lease write = mine.writeLock().acquire(Duration.ZERO);
        Lease read = mine.readLock().acquire(Duration.ZERO);
        assertThat(read.fencingToken()).isGreaterThan(write.fencingToken());
        assertThat(other.readLock().tryAcquire())
                .as("others still see the writer")
                .isEmpty();
        CompletableFuture<Lease> otherWriter = other.writeLock().acquireAsync(Duration.ofSeconds(20));
        write.release();
        Await.sleep(300);
        assertThat(otherWriter)
                .as("no writer gets in while the downgraded reader holds")
                .isNotDone();
        assertThat(read.isHeld()).isTrue();
        read.release();
        otherWriter.get(5, TimeUnit.SECONDS).release();
    }

    @Test
    void anUpgradeIsRefusedAtOnceNamingTheLock() throws Exception {
        DistributedReadWriteLock lock = wardens.open().readWriteLock("upgrade");
        try (Lease read = lock.readLock().acquire(Duration.ZERO)) {
            long asked = System.nanoTime();
            assertThatThrownBy(() -> lock.writeLock().acquire(Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'upgrade'")
                    .hasMessageContaining("upgrade");
            assertThat(Await.millisSince(asked)).isLessThan(1000);
            assertThat(read.isHeld()).isTrue();
        }
        try (Lease write = lock.writeLock().acquire(Duration.ZERO)) {
            assertThat(write.isHeld())
                    .as("after the read lease ended, the write lock is free")
                    .isTrue();
        }
    }

    @Test
    void eachSideIsReentrantForItsOwner() throws Exception {
        DistributedReadWriteLock lock = wardens.open().readWriteLock("again");
        Lease outer = lock.readLock().acquire(Duration.ZERO);
        Lease inner = lock.readLock().acquire(Duration.ZERO);
        assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
        inner.release();
        assertThat(lock.readLock().isHeldByCurrentThread()).isTrue();
        outer.release();
        assertThat(lock.readLock().isHeldByCurrentThread()).isFalse();
        java.util.concurrent.locks.Lock jlock = lock.writeLock().asJavaLock();
        jlock.lock();
        jlock.lock();
        jlock.unlock();
        assertThat(lock.writeLock().isHeldByCurrentThread()).isTrue();
        jlock.unlock();
        assertThat(lock.writeLock().isHeldByCurrentThread()).isFalse();
    }

    // ---- fencing, guarded calls ------------------------------------------------------------------

    @Test
    void fencingTokensOfReadsAndWritesComeFromOneIncreasingCounter() throws Exception {
        DistributedReadWriteLock a = wardens.open().readWriteLock("ledger");
        DistributedReadWriteLock b = wardens.open().readWriteLock("ledger");
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (Lease r1 = a.readLock().acquire(Duration.ZERO);
                    Lease r2 = b.readLock().acquire(Duration.ZERO)) {
                tokens.add(r1.fencingToken());
                tokens.add(r2.fencingToken());
            }
            try (Lease w = b.writeLock().acquire(Duration.ZERO)) {
                tokens.add(w.fencingToken());
            }
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
        assertThat(Long.parseLong((String) redis(key("ledger", "fence"), "GET", key("ledger", "fence"))))
                .isEqualTo(tokens.get(tokens.size() - 1));
    }

    @Test
    void callLockedRunsUnderEitherSide() throws Exception {
        DistributedReadWriteLock lock = wardens.open().readWriteLock("guarded");
        assertThat(lock.readLock().callLocked(Duration.ofSeconds(1), () -> "read"))
                .isEqualTo("read");
        assertThat(lock.writeLock().callLocked(Duration.ofSeconds(1), () -> "write"))
                .isEqualTo("write");
    }

    // ---- expiry, ownership, foreign data ---------------------------------------------------------

    @Test
    void aWatchedReaderIsRenewedPastItsLeaseAndAnExpiredOneCannotReleaseAnother() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(500)));
        Lease read = warden.readWriteLock("renewed").readLock().acquire(Duration.ZERO);
        Await.sleep(1200);
        assertThat(read.isHeld()).as("renewed by the watchdog").isTrue();
        read.release();
        Lease fixed = warden.readWriteLock("renewed")
                .writeLock()
                .acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(300)));
        Await.sleep(500);
        Lease next = wardens.open().readWriteLock("renewed").writeLock().acquire(Duration.ZERO);
        assertThatThrownBy(fixed::release).isInstanceOf(LeaseNotHeldException.class);
        assertThat(next.isHeld()).isTrue();
        assertThat(redis(key("renewed", "w"), "EXISTS", key("renewed", "w"))).isEqualTo(1L);
        next.release();
    }

    @Test
    void aWaiterIsWokenWhenTheWritersLeaseExpiresWithoutAnyMessage() throws Exception {
        Warden a = wardens.open();
        a.readWriteLock("expiring").writeLock().acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(700)));
        long start = System.nanoTime();
        try (Lease read = wardens.open().readWriteLock("expiring").readLock().acquire(Duration.ofSeconds(10))) {
            assertThat(read.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(start)).isLessThan(700 + 1000);
    }

    @Test
    void keysHoldingForeignDataAreReportedAndLeftUntouched() {
        redis(key("planted", "readers"), "SET", key("planted", "readers"), "mine");
        DistributedReadWriteLock lock = wardens.open().readWriteLock("planted");
        assertThatThrownBy(() -> lock.readLock().acquire(Duration.ZERO))
                .isInstanceOf(LockKeyConflictException.class)
                .hasMessageContaining("planted");
        assertThatThrownBy(() -> lock.writeLock().acquire(Duration.ZERO)).isInstanceOf(LockKeyConflictException.class);
        assertThat(redis(key("planted", "readers"), "GET", key("planted", "readers")))
                .isEqualTo("mine");
        assertThat(redis(key("planted", "w"), "EXISTS", key("planted", "w"))).isEqualTo(0L);
    }

    @Test
    void aPlainLockOfTheSameNameIsADistinctLock() throws Exception {
        Warden warden = wardens.open();
        try (Lease plain = warden.lock("both").acquire(Duration.ZERO);
                Lease write = wardens.open().readWriteLock("both").writeLock().acquire(Duration.ZERO)) {
            assertThat(plain.isHeld()).isTrue();
            assertThat(write.isHeld()).isTrue();
        }
    }

    // ---- metrics ---------------------------------------------------------------------------------

    @Test
    void listenersAreToldOfReadAndWriteAcquisitionsReleasesAndRenewals() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(600)));
        WardenListenerTest.Recording events = new WardenListenerTest.Recording();
        warden.addListener(events);
        DistributedReadWriteLock lock = warden.readWriteLock("metered");
        Lease read = lock.readLock().acquire(Duration.ZERO);
        assertThat(wardens.open().readWriteLock("metered").writeLock().tryAcquire())
                .isEmpty();
        Await.until("a reader's renewal told", Duration.ofSeconds(5), () -> events.renewals.contains("metered"));
        read.release();
        lock.writeLock().acquire(Duration.ZERO).release();
        assertThat(events.acquires)
                .extracting(WardenListenerTest.Acquire::lock, WardenListenerTest.Acquire::outcome)
                .containsExactly(
                        org.assertj.core.api.Assertions.tuple("metered", AcquireOutcome.ACQUIRED),
                        org.assertj.core.api.Assertions.tuple("metered", AcquireOutcome.ACQUIRED));
        assertThat(events.releases).extracting(WardenListenerTest.Release::lock).containsExactly("metered", "metered");
        assertThat(warden.metrics().acquisitions()).isEqualTo(2);
    }

    // ---- admin -----------------------------------------------------------------------------------

    @Test
    void adminShowsReadersAndAWaitingWriterAndForceUnlockRemovesThemAll() throws Exception {
        Warden a = wardens.open();
        Lease r1 = a.readWriteLock("admin").readLock().acquire(Duration.ZERO);
        Lease r2 = wardens.open().readWriteLock("admin").readLock().acquire(Duration.ZERO);
        CompletableFuture<Lease> writer =
                wardens.open().readWriteLock("admin").writeLock().acquireAsync(Duration.ofSeconds(20));
        Await.until(
                "the writer waits",
                Duration.ofSeconds(5),
                () -> (Long) redis(key("admin", "intent"), "EXISTS", key("admin", "intent")) == 1L);
        ReadWriteLockInfo info = a.admin().inspectReadWrite("admin");
        assertThat(info.isHeld()).isTrue();
        assertThat(info.writer()).isEmpty();
        assertThat(info.readers()).hasSize(2).allSatisfy(reader -> {
            assertThat(reader.holder()).isPresent();
            assertThat(reader.ttl()).hasValueSatisfying(ttl -> assertThat(ttl).isPositive());
        });
        assertThat(info.readers())
                .extracting(reader -> reader.holder().orElseThrow().fencingToken())
                .containsExactlyInAnyOrder(r1.fencingToken(), r2.fencingToken());
        assertThat(info.waitingWriter()).isPresent();
        assertThat(info.lastFencingToken()).isEqualTo(Math.max(r1.fencingToken(), r2.fencingToken()));
        assertThat(a.admin().listReadWrite(""))
                .extracting(ReadWriteLockInfo::name)
                .containsExactly("admin");
        assertThat(a.admin().list(""))
                .as("a read-write lock's keys are not shown as foreign data by list")
                .isEmpty();

        Optional<ReadWriteLockInfo> removed = a.admin().forceUnlockReadWrite("admin");
        assertThat(removed)
                .hasValueSatisfying(before -> assertThat(before.readers()).hasSize(2));
        Lease write = writer.get(5, TimeUnit.SECONDS);
        assertThat(a.admin().inspectReadWrite("admin").writer()).isPresent();
        write.release();
        assertThat(a.admin().inspectReadWrite("admin").isHeld()).isFalse();
        assertThat(a.admin().forceUnlockReadWrite("admin")).isEmpty();
        assertThat(a.admin().listReadWrite("")).isEmpty();
    }

    @Test
    void forceUnlockLeavesAReadWriteLockHoldingForeignDataAlone() {
        redis(key("foreign", "readers"), "SET", key("foreign", "readers"), "mine");
        LockAdmin admin = wardens.open().admin();
        assertThat(admin.inspectReadWrite("foreign").foreignKey()).contains(key("foreign", "readers"));
        assertThatThrownBy(() -> admin.forceUnlockReadWrite("foreign"))
                .isInstanceOf(LockKeyConflictException.class)
                .hasMessageContaining("foreign");
        assertThat(redis(key("foreign", "readers"), "GET", key("foreign", "readers")))
                .isEqualTo("mine");
    }
}
