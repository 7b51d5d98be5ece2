package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.RedisServerGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redlock over three independent masters when nodes fail: a minority down changes nothing the user
 * sees, a majority down refuses acquisitions at once and reports held leases lost, and fencing
 * tokens keep increasing across nodes whose counters diverged.
 */
class RedlockFaultTest {
    private RedisServerGroup nodes;
    private WardenFixture wardens;

    @BeforeEach
    void start() {
        nodes = RedisServerGroup.start(3);
        wardens = new WardenFixture(builder -> builder.redlock(nodes.uris()));
    }

    @AfterEach
    void stop() {
        wardens.close();
        nodes.close();
    }

    @Test
    void withOneOfThreeNodesDownLocksStillWorkAndAreExclusive() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        nodes.get(2).kill();
        for (int i = 0; i < 20; i++) {
            try (Lease lease = a.lock("minority-down").acquire(Duration.ofSeconds(2))) {
                assertThat(lease.isHeld()).isTrue();
                assertThat(b.lock("minority-down").tryAcquire()).isEmpty();
            }
        }
        Lease held = b.lock("minority-down").acquire(Duration.ofSeconds(2));
        assertThat(a.lock("minority-down").tryAcquire()).isEmpty();
        held.release();
    }

    @Test
    void aWardenStartedWhileOneNodeIsDownWorksAndLaterUsesTheReturningNode() throws Exception {
        RedisServer late = nodes.get(0);
        late.kill();
        Warden warden = wardens.open();
        Lease first = warden.lock("late-node").acquire(Duration.ofSeconds(2));
        first.release();
        late.killAndRestart();
        Await.until("the returning node is used again", Duration.ofSeconds(20), () -> {
            try (Lease lease = warden.lock("late-node").acquire(Duration.ofSeconds(2))) {
                return late.command("EXISTS", "warden:{late-node}").equals(1L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        });
    }

    @Test
    void withTwoOfThreeNodesDownATryIsRefusedAtOnceAndAWaiterWhenItsWaitEndsNamingTheMajority() {
        Warden warden = wardens.open();
        nodes.get(0).kill();
        nodes.get(1).kill();
        long start = System.nanoTime();
        assertThatThrownBy(() -> warden.lock("majority-down").tryAcquire())
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("majority-down")
                .hasMessageContaining("majority");
        // Down nodes fail fast (their commands are rejected, not queued).
        assertThat(Await.millisSince(start)).isLessThan(2_000);

        // A waiter rides the outage out until its own deadline, as on every topology.
        long waitStart = System.nanoTime();
        assertThatThrownBy(() -> warden.lock("majority-down").acquire(Duration.ofSeconds(2)))
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("majority-down")
                .hasMessageContaining("still unavailable when the wait of PT2S ended")
                .hasMessageContaining("a majority (2) is needed");
        assertThat(Await.millisSince(waitStart)).isBetween(1_900L, 5_000L);
    }

    @Test
    void aLeaseWhoseMajorityIsLostIsReportedLostBeforeItsKeysExpire() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofSeconds(2)));
        Lease lease = warden.lock("losing-majority").acquire(Duration.ZERO);
        long start = System.nanoTime();
        nodes.get(0).kill();
        nodes.get(1).kill();
        LeaseLostEvent event = lease.lostFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(event.cause()).isIn(LossCause.RENEWAL_DEADLINE_PASSED, LossCause.KEY_DELETED);
        assertThat(lease.isHeld()).isFalse();
        // Told before the 2 s lease could have run out on the surviving node.
        assertThat(Await.millisSince(start)).isLessThan(2_000);
    }

    @Test
    void aLeaseSurvivesTheLossOfOneNodeWhileHeld() throws Exception {
        Warden warden = wardens.open(b -> b.defaultLeaseTime(Duration.ofSeconds(1)));
        Lease lease = warden.lock("survivor").acquire(Duration.ZERO);
        nodes.get(1).kill();
        Thread.sleep(2_500); // two and a half leases: renewals on the two live nodes keep it
        assertThat(lease.isHeld()).isTrue();
        assertThat(wardens.open().lock("survivor").tryAcquire()).isEmpty();
        lease.release();
    }

    @Test
    void fencingTokensIncreaseEvenWhenNodesMintedDifferentCounts() throws Exception {
        Warden warden = wardens.open();
        // Node 0's counter runs far ahead, as if it had granted many acquisitions that missed their
        // majority. A token is the highest counter of the granting majority, and every node is
        // raised to it, so tokens increase whichever majority grants the next acquisition.
        nodes.get(0).command("SET", "warden:{fenced}:fence", "100");
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (Lease lease = warden.lock("fenced").acquire(Duration.ofSeconds(2))) {
                tokens.add(lease.fencingToken());
            }
            if (i == 2) {
                nodes.get(0).kill(); // the node that was ahead is gone: the rest must still go up
            }
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
        // The first majority may or may not include node 0; either way the token is at least 1.
        assertThat(tokens.get(0)).isPositive();
        assertThat(nodes.get(1).command("GET", "warden:{fenced}:fence")).isEqualTo(String.valueOf(tokens.get(4)));
    }

    @Test
    void afterAMajorityRestartedWithoutPersistenceTokensStillExceedEveryEarlierOne() throws Exception {
        Warden warden = wardens.open();
        long highest = 0;
        for (int i = 0; i < 3; i++) {
            try (Lease lease = warden.lock("fenced-restart").acquire(Duration.ofSeconds(2))) {
                assertThat(lease.fencingToken()).isGreaterThan(highest);
                highest = lease.fencingToken();
            }
        }
        // The one node that kept its counter goes down, and the other two come back empty: the
        // only majority left has lost every counter.
        nodes.get(2).kill();
        nodes.get(0).killAndRestart();
        nodes.get(1).killAndRestart();
        try (Lease next = wardens.open().lock("fenced-restart").acquire(Duration.ofSeconds(5))) {
            assertThat(next.fencingToken()).isGreaterThan(highest);
        }
    }

    @Test
    void aContendedLockIsHandedOverWhenTheHolderReleases() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease held = a.lock("hand-over").acquire(Duration.ZERO);
        var waiting = b.lock("hand-over").acquireAsync(Duration.ofSeconds(10));
        Await.sleep(200);
        assertThat(waiting).isNotDone();
        long released = System.nanoTime();
        held.release();
        Lease next = waiting.get(10, TimeUnit.SECONDS);
        // Woken by a release message from any node, not by a timer.
        assertThat(Await.millisSince(released)).isLessThan(1_000);
        next.release();
    }
}
