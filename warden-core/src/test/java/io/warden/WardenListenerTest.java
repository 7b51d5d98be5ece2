package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link WardenListener}: a listener added to a Warden already in use hears every kind of event with
 * its figures, a throwing listener changes no lock's outcome, and a removed one hears nothing more.
 * Against a real Redis: the events come from real replies, on the threads that carry them.
 */
class WardenListenerTest extends OneServerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    WardenListenerTest(RedisServer server) {
        super(server);
    }

    @Test
    void aListenerAddedToAWardenInUseHearsAcquisitionsReleasesTimeoutsSkipsAndErrors() throws Exception {
        Warden holder = wardens.open();
        Warden warden = wardens.open();
        Lease earlier = warden.lock("before-the-listener").acquire(Duration.ZERO);
        Lease busy = holder.lock("busy").acquire(Duration.ZERO);
        Recording events = new Recording();
        warden.addListener(events);

        try (Lease lease = warden.lock("free").acquire(Duration.ofSeconds(1))) {
            Thread.sleep(50);
        }
        assertThat(warden.lock("busy").tryAcquire()).isEmpty();
        long timedOutFrom = System.nanoTime();
        assertThatThrownBy(() -> warden.lock("busy").acquire(Duration.ofMillis(200)))
                .isInstanceOf(LockTimeoutException.class);
        long timedOutMillis = Await.millisSince(timedOutFrom);
        server.command("SET", "warden:{foreign}", "not a lock");
        assertThatThrownBy(() -> warden.lock("foreign").acquire(Duration.ZERO))
                .isInstanceOf(LockKeyConflictException.class);

        Await.until(
                "four acquisitions and a release told",
                WAIT,
                () -> events.acquires.size() == 4 && events.releases.size() == 1);
        assertThat(events.acquires)
                .extracting(Acquire::lock, Acquire::outcome)
                .containsExactly(
                        tuple("free", AcquireOutcome.ACQUIRED),
                        tuple("busy", AcquireOutcome.SKIPPED),
                        tuple("busy", AcquireOutcome.TIMED_OUT),
                        tuple("foreign", AcquireOutcome.FAILED));
        Acquire timedOut = events.acquires.get(2);
        assertThat(timedOut.waited())
                .as("the timed-out wait is told with its length")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200))
                .isLessThanOrEqualTo(Duration.ofMillis(timedOutMillis + 50));
        Release released = events.releases.get(0);
        assertThat(released.lock()).isEqualTo("free");
        assertThat(released.held())
                .isGreaterThanOrEqualTo(Duration.ofMillis(50))
                .isLessThan(Duration.ofSeconds(5));

        earlier.release();
        Await.until("the earlier lease's release told", WAIT, () -> events.releases.size() == 2);
        assertThat(events.acquires)
                .as("acquisitions before the listener was added are not told")
                .noneMatch(a -> a.lock().equals("before-the-listener"));
        busy.release();
    }

    @Test
    void aReentrantHoldIsNotAnAcquisitionAndItsLeaseIsReleasedOnce() throws Exception {
        Warden warden = wardens.open();
        Recording events = new Recording();
        warden.addListener(events);
        try (Lease outer = warden.lock("nested").acquire(Duration.ZERO)) {
            try (Lease inner = warden.lock("nested").acquire(Duration.ZERO)) {
                assertThat(inner.isHeld()).isTrue();
            }
        }
        Await.until("the release told", WAIT, () -> events.releases.size() == 1);
        assertThat(events.acquires).hasSize(1);
    }

    @Test
    void renewalsRoundTripsAndALeaseDeletedBehindTheHoldersBackAreTold() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(600)));
        Recording events = new Recording();
        warden.addListener(events);
        Lease lease = warden.lock("renewed").acquire(Duration.ZERO);

        Await.until("two renewals told", WAIT, () -> events.renewals.size() >= 2);
        assertThat(events.renewals).containsOnly("renewed");
        assertThat(events.roundTrips).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(1));

        server.command("DEL", "warden:{renewed}");
        LeaseLostEvent lost = lease.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
        Await.until("the loss told", WAIT, () -> !events.losses.isEmpty());
        assertThat(events.losses).containsExactly(lost);
        assertThat(lost.cause()).isEqualTo(LossCause.KEY_DELETED);
        assertThat(events.releases).isEmpty();
    }

    @Test
    void taskRunsAndSkipsAreTold() throws Exception {
        Warden other = wardens.open();
        Warden warden = wardens.open();
        Recording events = new Recording();
        warden.addListener(events);

        Lease elsewhere = other.lock("nightly").acquire(Duration.ZERO);
        assertThat(warden.task("nightly").runIfFree(() -> {})).isFalse();
        elsewhere.release();
        assertThat(warden.task("nightly").runIfFree(() -> {})).isTrue();

        assertThat(events.tasks).containsExactly("skipped nightly", "ran nightly");
    }

    @Test
    void aThrowingListenerChangesNoOutcomeAndTheOthersAreStillTold() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(600)));
        Warden other = wardens.open();
        AtomicInteger thrown = new AtomicInteger();
        WardenListener throwing = new WardenListener() {
            @Override
            public void onAcquire(String lock, AcquireOutcome outcome, Duration waited) {
                throw fail();
            }

            @Override
            public void onRelease(String lock, Duration held) {
                throw fail();
            }

            @Override
            public void onLeaseLost(LeaseLostEvent event) {
                throw fail();
            }

            @Override
            public void onRenewalSent(String lock) {
                throw fail();
            }

            @Override
            public void onRenewalRoundTrip(int renewals) {
                throw fail();
            }

            @Override
            public void onTaskSkipped(String task) {
                throw fail();
            }

            private IllegalStateException fail() {
                thrown.incrementAndGet();
                return new IllegalStateException("a broken listener");
            }
        };
        Recording events = new Recording();
        warden.addListener(throwing);
        warden.addListener(events);

        Lease lease = warden.lock("sturdy").acquire(Duration.ZERO);
        Await.until("a renewal told", WAIT, () -> !events.renewals.isEmpty());
        assertThat(lease.isHeld())
                .as("still held after the watchdog's listener threw")
                .isTrue();
        lease.release();
        assertThat(other.lock("sturdy").tryAcquire())
                .as("the release reached Redis")
                .isPresent();

        other.lock("taken").acquire(Duration.ZERO);
        assertThat(warden.task("taken").runIfFree(() -> {})).isFalse();
        Optional<Lease> lost = warden.lock("lost-anyway").tryAcquire();
        assertThat(lost).isPresent();
        server.command("DEL", "warden:{lost-anyway}");
        LeaseLostEvent event = lost.get().lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(event.cause()).isEqualTo(LossCause.KEY_DELETED);

        Await.until("the loss told to the other listener", WAIT, () -> events.losses.size() == 1);
        assertThat(events.releases).hasSize(1);
        assertThat(events.tasks).containsExactly("skipped taken");
        assertThat(thrown.get())
                .as("every event reached the throwing listener too")
                .isGreaterThanOrEqualTo(6);
    }

    @Test
    void aRemovedListenerHearsNothingMoreAndAddingTwiceTellsOnce() throws Exception {
        Warden warden = wardens.open();
        Recording events = new Recording();
        warden.addListener(events);
        warden.addListener(events);
        warden.lock("twice").acquire(Duration.ZERO).release();
        Await.until("the release told", WAIT, () -> !events.releases.isEmpty());
        assertThat(events.acquires).hasSize(1);
        assertThat(events.releases).hasSize(1);

        assertThat(warden.removeListener(events)).isTrue();
        assertThat(warden.removeListener(events)).isFalse();
        warden.lock("after").acquire(Duration.ZERO).release();
        assertThat(warden.task("after-task").runIfFree(() -> {})).isTrue();
        assertThat(events.acquires).hasSize(1);
        assertThat(events.releases).hasSize(1);
        assertThat(events.tasks).isEmpty();
    }

    record Acquire(String lock, AcquireOutcome outcome, Duration waited) {}

    record Release(String lock, Duration held) {}

    /** Records every event; thread-safe, as events arrive on callers', scheduler and I/O threads. */
    static final class Recording implements WardenListener {
        final List<Acquire> acquires = new CopyOnWriteArrayList<>();
        final List<Release> releases = new CopyOnWriteArrayList<>();
        final List<LeaseLostEvent> losses = new CopyOnWriteArrayList<>();
        final List<String> renewals = new CopyOnWriteArrayList<>();
        final List<Integer> roundTrips = new CopyOnWriteArrayList<>();
        final List<String> tasks = new CopyOnWriteArrayList<>();

        @Override
        public void onAcquire(String lock, AcquireOutcome outcome, Duration waited) {
            acquires.add(new Acquire(lock, outcome, waited));
        }

        @Override
        public void onRelease(String lock, Duration held) {
            releases.add(new Release(lock, held));
        }

        @Override
        public void onLeaseLost(LeaseLostEvent event) {
            losses.add(event);
        }

        @Override
        public void onRenewalSent(String lock) {
            renewals.add(lock);
        }

        @Override
        public void onRenewalRoundTrip(int renewals) {
            roundTrips.add(renewals);
        }

        @Override
        public void onTaskRun(String task) {
            tasks.add("ran " + task);
        }

        @Override
        public void onTaskSkipped(String task) {
            tasks.add("skipped " + task);
        }
    }
}
