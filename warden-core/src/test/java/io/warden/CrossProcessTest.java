package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.fixtures.ContenderMain;
import io.warden.fixtures.HolderMain;
import io.warden.testkit.Await;
import io.warden.testkit.ChildJvm;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mutual exclusion and crash/pause behaviour across real processes. */
@WithRedis
class CrossProcessTest {
    private final List<ChildJvm> children = new ArrayList<>();
    private final WardenFixture wardens;

    CrossProcessTest(RedisServer server) {
        this.wardens = new WardenFixture(server.uri());
        this.server = server;
    }

    private final RedisServer server;

    @AfterEach
    void stopChildren() {
        children.forEach(ChildJvm::close);
        wardens.close();
    }

    private ChildJvm child(Class<?> main, String... args) {
        ChildJvm jvm = ChildJvm.start(main, args);
        children.add(jvm);
        return jvm;
    }

    record Interval(long start, long end, long token) {}

    @Test
    void criticalSectionsOfSeveralProcessesNeverOverlapAndTokensFollowAcquisitionOrder() {
        for (int i = 0; i < 3; i++) {
            child(ContenderMain.class, server.uri(), "shared", "2", "4000");
        }
        List<Interval> intervals = new ArrayList<>();
        for (ChildJvm jvm : children) {
            assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
            for (String line : jvm.stdout()) {
                if (line.startsWith("CS ")) {
                    String[] f = line.split(" ");
                    intervals.add(new Interval(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
                }
            }
        }
        assertThat(intervals).hasSizeGreaterThan(30);
        intervals.sort(Comparator.comparingLong(Interval::start));
        for (int i = 1; i < intervals.size(); i++) {
            Interval before = intervals.get(i - 1);
            Interval after = intervals.get(i);
            assertThat(after.start())
                    .as("section %s starts after %s ended", after, before)
                    .isGreaterThan(before.end());
            assertThat(after.token()).as("tokens increase in acquisition order").isGreaterThan(before.token());
        }
        long processesThatGotIn = children.stream()
                .filter(c -> c.stdout().stream().anyMatch(l -> l.startsWith("CS ")))
                .count();
        assertThat(processesThatGotIn).isEqualTo(3);
    }

    @Test
    void aKilledHoldersLockIsFreeWithinItsLeasePlusOneSecond() throws Exception {
        ChildJvm holder = child(HolderMain.class, server.uri(), "crash", "1000");
        holder.awaitLine(l -> l.startsWith("ACQUIRED"), Duration.ofSeconds(30));
        Warden survivor = wardens.open();
        holder.kill();
        long killed = System.nanoTime();
        try (Lease lease = survivor.lock("crash").acquire(Duration.ofSeconds(10))) {
            assertThat(lease.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(killed)).isLessThan(2_000);
    }

    /**
     * A holder paused past its lease (GC, SIGSTOP) must not act on the stale lease after it wakes:
     * isHeld() is false before it could write, onLost fires, and its token is below the new
     * holder's, so a fenced resource refuses it anyway.
     */
    @Test
    void aPausedHolderLosesItsLeaseAndLearnsItBeforeActing() throws Exception {
        ChildJvm holder = child(HolderMain.class, server.uri(), "paused", "1000");
        long oldToken = Long.parseLong(holder.awaitLine(l -> l.startsWith("ACQUIRED"), Duration.ofSeconds(30))
                .split(" ")[1]);
        holder.awaitLine(l -> l.startsWith("WRITE"), Duration.ofSeconds(10));
        holder.pause();
        long newToken;
        long takenOver;
        try (Lease lease = wardens.open().lock("paused").acquire(Duration.ofSeconds(10))) {
            takenOver = System.nanoTime();
            newToken = lease.fencingToken();
            holder.resume();
            String lost = holder.awaitLine(l -> l.startsWith("LOST"), Duration.ofSeconds(10));
            assertThat(lost).contains("RENEWAL_DEADLINE_PASSED").contains("held=false");
        }
        assertThat(newToken).isGreaterThan(oldToken);
        List<Long> writesAfterTakeover = holder.stdout().stream()
                .filter(l -> l.startsWith("WRITE"))
                .map(l -> Long.parseLong(l.split(" ")[2]))
                .filter(at -> at > takenOver)
                .toList();
        assertThat(writesAfterTakeover)
                .as("writes by the stale holder after another took over")
                .isEmpty();
    }
}
