package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import io.warden.testkit.FaultProxy;
import io.warden.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leader election on a real Redis: one leader at a time, terms whose tokens increase, hand-over
 * by release message, and the early revocation rule (the deposed leader is told before anyone else
 * is elected). Callback times are taken on System.nanoTime, which all candidates of one JVM share.
 */
@Timeout(60)
class LeaderElectionTest extends OneServerTest {
    LeaderElectionTest(RedisServer server) {
        super(server);
    }

    @Test
    void exactlyOneOfFourCandidatesLeadsAndEachResignationHandsOverToAnotherWithAGreaterToken() throws Exception {
        Timeline timeline = new Timeline();
        List<LeaderElection> candidates = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LeaderElection candidate = wardens.open().leader("scheduler");
            candidate.start(timeline.listener("c" + i));
            candidates.add(candidate);
        }
        long lastToken = 0;
        // Each resigned candidate holds off for 30 s: three hand-overs leave one candidate campaigning.
        for (int handover = 0; handover < 3; handover++) {
            Await.until("a leader", Duration.ofSeconds(10), () -> leaders(candidates) == 1);
            LeaderElection leader = candidates.stream()
                    .filter(LeaderElection::isLeader)
                    .findFirst()
                    .orElseThrow();
            long token = leader.currentTerm().orElseThrow().fencingToken();
            assertThat(token).as("handover %d", handover).isGreaterThan(lastToken);
            assertThat(leader.currentLeader())
                    .hasValueSatisfying(h -> assertThat(h.fencingToken()).isEqualTo(token));
            lastToken = token;

            long resignedAt = System.nanoTime();
            leader.resign(Duration.ofSeconds(30));
            assertThat(leader.isLeader()).isFalse();
            // Woken by the release message, not by the 30 s lease's TTL.
            Await.until("another leader", Duration.ofSeconds(5), () -> leaders(candidates) == 1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resignedAt))
                    .isLessThan(5_000);
            assertThat(leader.isLeader()).isFalse();
            assertThat(leaders(candidates)).isEqualTo(1);
        }
        Await.until("the last election is announced", Duration.ofSeconds(5), () -> timeline.count("elected") == 4);
        assertThat(timeline.events)
                .filteredOn(e -> e.kind.equals("elected"))
                .extracting(e -> e.candidate)
                .doesNotHaveDuplicates();
        assertThat(timeline.events)
                .filteredOn(e -> e.kind.equals("elected"))
                .as("onElected runs on the callback executor, even for a grant that came at once")
                .allSatisfy(e -> assertThat(e.thread.getName()).contains("-callback-"));
        timeline.assertAlternates();
        assertThat(timeline.events)
                .filteredOn(e -> e.kind.equals("revoked"))
                .allSatisfy(e -> assertThat(e.loss).isEmpty());
    }

    @Test
    void aLeaderCutOffFromRedisIsRevokedBeforeTheNextIsElected() throws Exception {
        Timeline timeline = new Timeline();
        try (FaultProxy proxy = FaultProxy.to(server)) {
            Warden cutOff = wardens.open(b -> b.uri(proxy.uri()));
            LeaderElection first = cutOff.leader("sweeper", Duration.ofSeconds(2));
            first.start(timeline.listener("first"));
            assertThat(first.awaitLeadership(Duration.ofSeconds(10))).isTrue();
            LeaderElection second = wardens.open().leader("sweeper", Duration.ofSeconds(2));
            second.start(timeline.listener("second"));

            proxy.blackhole();
            assertThat(second.awaitLeadership(Duration.ofSeconds(15))).isTrue();

            // awaitLeadership returns once the term began; its onElected may still be starting.
            Await.until("second's onElected", Duration.ofSeconds(5), () -> timeline.count("elected") == 2);
            Event revoked = timeline.only("first", "revoked");
            Event elected = timeline.last("second", "elected");
            assertThat(revoked.at).as("the deposed leader is told first").isLessThan(elected.at);
            assertThat(revoked.loss)
                    .hasValueSatisfying(l -> assertThat(l.cause()).isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED));
            assertThat(first.isLeader()).isFalse();
            assertThat(elected.token).isGreaterThan(timeline.last("first", "elected").token);
            proxy.heal();
        }
    }

    @Test
    void aLeaderWhoseKeyWasDeletedIsToldWhyAndAnotherCandidateTakesOver() throws Exception {
        Timeline timeline = new Timeline();
        LeaderElection first = wardens.open().leader("reports", Duration.ofMillis(900));
        first.start(timeline.listener("first"));
        assertThat(first.awaitLeadership(Duration.ofSeconds(10))).isTrue();
        LeaderElection second = wardens.open().leader("reports", Duration.ofMillis(900));
        second.start(timeline.listener("second"));

        server.command("DEL", "warden:{reports}");

        Await.until("the first leader is told", Duration.ofSeconds(10), () -> timeline.count("revoked") == 1);
        assertThat(timeline.only("first", "revoked").loss)
                .hasValueSatisfying(
                        l -> assertThat(l.cause()).isIn(LossCause.KEY_DELETED, LossCause.TAKEN_BY_ANOTHER_OWNER));
        Await.until("one leader again", Duration.ofSeconds(10), () -> first.isLeader() ^ second.isLeader());
    }

    @Test
    void aSlowOnElectedDoesNotStopRenewalAndTheTermLastsPastManyLeases() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger revoked = new AtomicInteger();
        LeaderElection election = wardens.open().leader("slow", Duration.ofMillis(600));
        election.start(new LeaderListener() {
            @Override
            public void onElected(LeaderTerm term) {
                inside.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) {
                revoked.incrementAndGet();
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(3_000); // five leases
        assertThat(election.isLeader()).isTrue();
        assertThat(election.currentTerm().orElseThrow().duration()).isGreaterThan(Duration.ofMillis(2_500));
        assertThat(revoked).hasValue(0);
        letGo.countDown();
        election.close();
        assertThat(revoked).hasValue(1);
        assertThat(server.command("EXISTS", "warden:{slow}")).isEqualTo(0L);
    }

    @Test
    void anElectionIsListedByLockAdminAsItsLockWithTheTermsTokenAndTheLeaderAndCountedInMetrics() throws Exception {
        Warden warden = wardens.open();
        LeaderElection election = warden.leader("listed");
        election.start(new Timeline().listener("only"));
        assertThat(election.awaitLeadership(Duration.ofSeconds(10))).isTrue();
        long term = election.currentTerm().orElseThrow().fencingToken();

        LockInfo listed = wardens.open().admin().list("list").stream()
                .filter(i -> i.name().equals("listed"))
                .findFirst()
                .orElseThrow();
        assertThat(listed.state()).isEqualTo(LockInfo.State.HELD);
        assertThat(listed.holder()).hasValueSatisfying(h -> {
            assertThat(h.fencingToken()).isEqualTo(term);
            assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
        });
        assertThat(listed.lastFencingToken()).isEqualTo(term);
        Await.until(
                "onElected counted",
                Duration.ofSeconds(5),
                () -> warden.metrics().leaderElections() == 1);
        assertThat(warden.metrics().leaderRevocations()).isZero();

        election.resign(Duration.ofSeconds(30));

        assertThat(warden.metrics().leaderRevocations()).isEqualTo(1);
        assertThat(warden.metrics().leaderElections()).isEqualTo(1);
        assertThat(wardens.open().admin().inspect("listed").state()).isEqualTo(LockInfo.State.FREE);
        election.close();
    }

    @Test
    void closeEndsTheTermOnTheCallersThreadAndStopsCampaigning() throws Exception {
        Timeline timeline = new Timeline();
        LeaderElection election = wardens.open().leader("close-me");
        election.start(timeline.listener("only"));
        assertThat(election.awaitLeadership(Duration.ofSeconds(10))).isTrue();
        Thread caller = Thread.currentThread();

        election.close();

        Event revoked = timeline.only("only", "revoked");
        assertThat(revoked.thread).isSameAs(caller);
        assertThat(revoked.loss).isEmpty();
        assertThat(election.isLeader()).isFalse();
        assertThat(election.currentTerm()).isEmpty();
        Thread.sleep(1_500);
        assertThat(timeline.count("elected")).isEqualTo(1);
        assertThat(server.command("EXISTS", "warden:{close-me}")).isEqualTo(0L);
        election.close(); // idempotent
        assertThatThrownBy(() -> election.start(timeline.listener("again")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close-me");
    }

    @Test
    void closeWhileRedisDoesNotAnswerStillEndsTheTermAndDoesNotThrow() throws Exception {
        Timeline timeline = new Timeline();
        try (FaultProxy proxy = FaultProxy.to(server)) {
            LeaderElection election = wardens.open(b -> b.uri(proxy.uri())).leader("unconfirmed");
            election.start(timeline.listener("only"));
            assertThat(election.awaitLeadership(Duration.ofSeconds(10))).isTrue();
            proxy.blackhole();

            election.close(); // the release times out: its outcome is unknown

            assertThat(timeline.only("only", "revoked").loss).isEmpty();
            assertThat(election.isLeader()).isFalse();
            proxy.heal();
        }
    }

    /**
     * Issue 19, the chaos leader phase's leaked subscriber: two candidates of one Warden wait while
     * another process holds the lock; closing the first passes the campaign to the second, whose first
     * attempt is still on its way (200 ms each way through the proxy) when it is closed too. Its reply
     * ("held elsewhere") must not subscribe the Warden to the release channel again.
     */
    @Test
    void candidatesClosedWhileACampaignsAttemptIsInFlightLeaveNoSubscriberOnTheReleaseChannel() throws Exception {
        // An unwatched lease listens on no channel: every subscriber counted below is a candidate's.
        Lease held =
                wardens.open().lock("in-flight").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMinutes(1)));
        try (FaultProxy proxy = FaultProxy.to(server)) {
            Warden warden = wardens.open(b -> b.uri(proxy.uri()));
            LeaderElection first = warden.leader("in-flight");
            LeaderElection second = warden.leader("in-flight");
            first.start(new Timeline().listener("first"));
            second.start(new Timeline().listener("second"));
            Await.until("a candidate waits subscribed", Duration.ofSeconds(10), () -> subscribers("in-flight") == 1);

            proxy.latency(Duration.ofMillis(200));
            first.close(); // the second candidate becomes the contender and sends its first attempt
            second.close(); // while that attempt is in flight
            // Answered on the same connection after that attempt: its reply has been handled by now.
            assertThat(warden.admin().inspect("in-flight").state()).isEqualTo(LockInfo.State.HELD);
            proxy.heal();

            Await.until(
                    "no subscriber once the subscription lingered (1 s)",
                    Duration.ofSeconds(5),
                    () -> subscribers("in-flight") == 0);
            Thread.sleep(1_000); // and none comes back
            assertThat(subscribers("in-flight")).isZero();
            assertThat(first.isLeader()).isFalse();
            assertThat(second.isLeader()).isFalse();
        }
        held.release();
    }

    private long subscribers(String election) {
        List<?> reply = (List<?>) server.command("PUBSUB", "NUMSUB", "warden:{" + election + "}:released");
        return (Long) reply.get(1);
    }

    @Test
    void closingTheWardenRevokesTheTermWithWardenClosedAndCampaignsNoMore() throws Exception {
        Timeline timeline = new Timeline();
        Warden warden = wardens.open();
        LeaderElection election = warden.leader("shutdown");
        election.start(timeline.listener("only"));
        assertThat(election.awaitLeadership(Duration.ofSeconds(10))).isTrue();

        warden.close();

        Await.until("revoked", Duration.ofSeconds(5), () -> timeline.count("revoked") == 1);
        assertThat(timeline.only("only", "revoked").loss)
                .hasValueSatisfying(l -> assertThat(l.cause()).isEqualTo(LossCause.WARDEN_CLOSED));
        assertThat(election.isLeader()).isFalse();
        assertThat(server.command("EXISTS", "warden:{shutdown}")).isEqualTo(0L);
    }

    @Test
    void aCandidateWaitsOutDataWardenDidNotWriteAndLeadsOnceItIsGone() throws Exception {
        server.command("SET", "warden:{squatted}", "not a lock");
        LeaderElection election = wardens.open().leader("squatted");
        election.start(new Timeline().listener("only"));

        assertThat(election.awaitLeadership(Duration.ofMillis(1_500))).isFalse();
        assertThat(server.command("GET", "warden:{squatted}")).isEqualTo("not a lock");
        server.command("DEL", "warden:{squatted}");
        assertThat(election.awaitLeadership(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void runAsLeaderRunsTheTaskUnderATermAndHandsOverWhenItReturns() throws Exception {
        Warden warden = wardens.open();
        LeaderElection mine = warden.leader("migration");
        LeaderElection other = wardens.open().leader("migration");
        other.start(new Timeline().listener("other"));
        assertThat(other.awaitLeadership(Duration.ofSeconds(10))).isTrue();
        other.resign(Duration.ofSeconds(30));

        long token = mine.runAsLeader(Duration.ofSeconds(10), () -> {
            assertThat(mine.currentLeader()).isPresent();
            return mine.currentLeader().orElseThrow().fencingToken();
        });

        assertThat(token).isPositive();
        assertThat(mine.currentLeader()).isEmpty();
        assertThat(server.command("EXISTS", "warden:{migration}")).isEqualTo(0L);
        assertThatThrownBy(() -> other.runAsLeader(Duration.ZERO, () -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was started");
    }

    @Test
    void badArgumentsAreRefusedNamingTheElection() {
        Warden warden = wardens.open();
        assertThatThrownBy(() -> warden.leader("x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'");
        LeaderElection election = warden.leader("twice");
        election.start(new Timeline().listener("a"));
        assertThatThrownBy(() -> election.start(new Timeline().listener("b")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'twice' was already started");
        assertThatThrownBy(() -> warden.leader("never-started").awaitLeadership(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        assertThatThrownBy(() -> election.resign(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static long leaders(List<LeaderElection> candidates) {
        return candidates.stream().filter(LeaderElection::isLeader).count();
    }

    private record Event(
            String candidate, String kind, long at, long token, Optional<LeaseLostEvent> loss, Thread thread) {}

    /** Every callback of every candidate, in the order they ran. */
    private static final class Timeline {
        final List<Event> events = new CopyOnWriteArrayList<>();

        LeaderListener listener(String candidate) {
            return new LeaderListener() {
                @Override
                public void onElected(LeaderTerm term) {
                    events.add(new Event(
                            candidate,
                            "elected",
                            System.nanoTime(),
                            term.fencingToken(),
                            Optional.empty(),
                            Thread.currentThread()));
                }

                @Override
                public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) {
                    assertThat(term.isActive()).isFalse();
                    events.add(new Event(
                            candidate,
                            "revoked",
                            System.nanoTime(),
                            term.fencingToken(),
                            loss,
                            Thread.currentThread()));
                }
            };
        }

        long count(String kind) {
            return events.stream().filter(e -> e.kind.equals(kind)).count();
        }

        Event only(String candidate, String kind) {
            List<Event> matching = events.stream()
                    .filter(e -> e.candidate.equals(candidate) && e.kind.equals(kind))
                    .toList();
            assertThat(matching).as("%s %s", candidate, kind).hasSize(1);
            return matching.get(0);
        }

        Event last(String candidate, String kind) {
            return events.stream()
                    .filter(e -> e.candidate.equals(candidate) && e.kind.equals(kind))
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no " + kind + " for " + candidate));
        }

        /** Elected and revoked alternate: never two leaders announced at once. */
        void assertAlternates() {
            String open = null;
            for (Event e : events) {
                if (e.kind.equals("elected")) {
                    assertThat(open)
                            .as("elected %s while %s led: %s", e.candidate, open, events)
                            .isNull();
                    open = e.candidate;
                } else {
                    assertThat(e.candidate)
                            .as("revoked %s: %s", e.candidate, events)
                            .isEqualTo(open);
                    open = null;
                }
            }
        }
    }
}
