package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Task runs held by hand ({@link TaskLock#tryStart()}, {@link RunningTask}) on a real Redis: what
 * reaches the server's keys. The time rules to the millisecond are in {@code RunningTaskFakeTimeTest}.
 */
class RunningTaskTest extends OneServerTest {
    RunningTaskTest(RedisServer server) {
        super(server);
    }

    @Test
    void aStartedRunHoldsTheLockAndFinishKeepsItForLockAtLeastFor() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        List<String> events = new ArrayList<>();
        TaskListener listener = new TaskListener() {
            @Override
            public void onAcquired(String task, long fencingToken) {
                events.add("acquired " + fencingToken);
            }

            @Override
            public void onSkipped(String task, Optional<HolderInfo> holder) {
                events.add("skipped");
            }

            @Override
            public void onFinished(String task, Duration took, Throwable failure) {
                events.add("finished " + failure);
            }
        };
        long started = System.nanoTime();
        RunningTask run = a.task("by-hand")
                .lockAtMostFor(Duration.ofMinutes(1))
                .lockAtLeastFor(Duration.ofMillis(1500))
                .listener(listener)
                .tryStart()
                .orElseThrow();
        assertThat(run.name()).isEqualTo("by-hand");
        assertThat(run.lease().isHeld()).isTrue();
        assertThat(b.task("by-hand").listener(listener).tryStart()).isEmpty();
        run.finish();
        assertThat(run.lease().isHeld()).isFalse();
        long pttl = (Long) server.command("PTTL", "warden:{by-hand}");
        assertThat(pttl).as("kept for the rest of lockAtLeastFor").isPositive().isLessThanOrEqualTo(1500);
        assertThat(b.task("by-hand").tryStart()).isEmpty();
        Await.until(
                "the kept key expired",
                Duration.ofSeconds(5),
                () -> server.command("EXISTS", "warden:{by-hand}").equals(0L));
        assertThat(Await.millisSince(started)).isGreaterThanOrEqualTo(1400);
        RunningTask next = b.task("by-hand").tryStart().orElseThrow();
        assertThat(next.lease().fencingToken()).isGreaterThan(run.lease().fencingToken());
        next.finish();
        assertThat(events).containsExactly("acquired " + run.lease().fencingToken(), "skipped", "finished null");
    }

    /** The seed's bug, for runs by hand: a node that did not get the lock never touches the key. */
    @Test
    void tryStartOnAHeldLockIsEmptyAndNeverTouchesTheHoldersKey() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        RunningTask run =
                a.task("held").lockAtMostFor(Duration.ofMinutes(1)).tryStart().orElseThrow();
        Object owner = server.command("HGET", "warden:{held}", "owner");
        long ttlBefore = (Long) server.command("PTTL", "warden:{held}");
        for (int i = 0; i < 5; i++) {
            assertThat(b.task("held").tryStart()).isEmpty();
            assertThat(a.task("held").tryStart())
                    .as("not re-entrant, even on the holder's node")
                    .isEmpty();
        }
        assertThat(server.command("HGET", "warden:{held}", "owner")).isEqualTo(owner);
        assertThat((Long) server.command("PTTL", "warden:{held}")).isLessThanOrEqualTo(ttlBefore);
        assertThat((Long) server.command("PTTL", "warden:{held}")).isGreaterThan(ttlBefore - 5_000);
        run.finish();
    }

    @Test
    void aRunFinishedOnAnotherThreadReleasesTheLock() throws Exception {
        Warden a = wardens.open();
        RunningTask run = a.task("handed-over").tryStart().orElseThrow();
        CompletableFuture.runAsync(run::finish).get(5, TimeUnit.SECONDS);
        assertThat(server.command("EXISTS", "warden:{handed-over}")).isEqualTo(0L);
        assertThat(wardens.open().task("handed-over").tryStart()).isPresent();
    }

    /** lockAtMostFor is an upper bound even if the node never finishes: without watchdog it is the TTL. */
    @Test
    void aRunThatIsNeverFinishedFreesTheLockAtLockAtMostFor() throws Exception {
        Warden a = wardens.open();
        long started = System.nanoTime();
        RunningTask run = a.task("abandoned")
                .lockAtMostFor(Duration.ofMillis(700))
                .watchdog(false)
                .tryStart()
                .orElseThrow();
        long pttl = (Long) server.command("PTTL", "warden:{abandoned}");
        assertThat(pttl).isPositive().isLessThanOrEqualTo(700);
        Warden b = wardens.open();
        AtomicReference<RunningTask> next = new AtomicReference<>();
        Await.until("another node started the abandoned task", Duration.ofSeconds(5), () -> {
            b.task("abandoned").logLevel(Level.DEBUG).tryStart().ifPresent(next::set);
            return next.get() != null;
        });
        assertThat(Await.millisSince(started)).isGreaterThanOrEqualTo(650);
        assertThatThrownBy(run::finish).isInstanceOf(LeaseNotHeldException.class);
        assertThat(next.get().lease().isHeld())
                .as("the late finish touched nothing")
                .isTrue();
        next.get().finish();
    }

    @Test
    void extendMovesBothBoundsOnTheServer() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        RunningTask run = a.task("extended")
                .lockAtMostFor(Duration.ofMillis(800))
                .watchdog(false)
                .tryStart()
                .orElseThrow();
        run.extend(Duration.ofSeconds(20), Duration.ofSeconds(10));
        assertThat((Long) server.command("PTTL", "warden:{extended}")).isGreaterThan(15_000L);
        Await.sleep(1_000); // past the old lockAtMostFor: elapsed time is what this checks
        assertThat(run.lease().isHeld()).isTrue();
        assertThat(b.task("extended").tryStart()).isEmpty();
        run.finish();
        assertThat((Long) server.command("PTTL", "warden:{extended}"))
                .as("kept until the new lockAtLeastFor")
                .isGreaterThan(7_000L)
                .isLessThanOrEqualTo(10_000L);
    }

    @Test
    void extendingARunWhoseLeaseExpiredIsReportedAndTouchesNothing() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        RunningTask stale = a.task("expired")
                .lockAtMostFor(Duration.ofMillis(200))
                .watchdog(false)
                .tryStart()
                .orElseThrow();
        stale.lease().lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);
        Await.until(
                "the key expired",
                Duration.ofSeconds(5),
                () -> server.command("EXISTS", "warden:{expired}").equals(0L));
        RunningTask current = b.task("expired")
                .lockAtMostFor(Duration.ofMinutes(1))
                .tryStart()
                .orElseThrow();
        long ttl = (Long) server.command("PTTL", "warden:{expired}");
        assertThatThrownBy(() -> stale.extend(Duration.ofMinutes(5), Duration.ZERO))
                .isInstanceOf(LeaseNotHeldException.class);
        assertThatThrownBy(stale::finish).isInstanceOf(LeaseNotHeldException.class);
        assertThat((Long) server.command("PTTL", "warden:{expired}")).isLessThanOrEqualTo(ttl);
        assertThat(current.lease().isHeld()).isTrue();
        current.finish();
    }

    @Test
    void invalidBoundsAreRejectedNamingTheLockAndNothingIsSent() throws Exception {
        Warden a = wardens.open();
        RunningTask run = a.task("bounds")
                .lockAtMostFor(Duration.ofSeconds(30))
                .tryStart()
                .orElseThrow();
        long calls = server.commandCalls("evalsha") + server.commandCalls("eval");
        assertThatThrownBy(() -> run.extend(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bounds")
                .hasMessageContaining("lockAtLeastFor");
        assertThatThrownBy(() -> run.extend(Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bounds")
                .hasMessageContaining("lockAtMostFor");
        assertThatThrownBy(() -> run.extend(Duration.ofSeconds(1), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bounds");
        assertThatThrownBy(() -> run.extend(null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
        assertThat(server.commandCalls("evalsha") + server.commandCalls("eval")).isEqualTo(calls);
        assertThat(run.lease().isHeld()).isTrue();
        run.finish();
    }
}
