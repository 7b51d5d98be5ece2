package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.fixtures.CandidateMain;
import io.warden.testkit.Await;
import io.warden.testkit.ChildJvm;
import io.warden.testkit.FaultProxy;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leader election across real processes ({@link CandidateMain}), under the faults a process can
 * suffer: SIGKILL, SIGSTOP past the lease, a network blackhole, and a voluntary resignation. Every
 * candidate logs the instants at which {@code isLeader()} said it may act, on System.nanoTime, which
 * is CLOCK_MONOTONIC and so shared by every process of the machine; each test ends by checking on
 * those logs that no two terms' leading intervals overlap and that terms' fencing tokens increase in
 * the order the terms led. {@link LeaderElectionTest} covers the same rules inside one JVM.
 */
@WithRedis
@Timeout(120)
class LeaderProcessTest {
    private static final String ELECTION = "leader-x";

    private final RedisServer server;
    private final List<ChildJvm> candidates = new ArrayList<>();

    LeaderProcessTest(RedisServer server) {
        this.server = server;
    }

    @AfterEach
    void stopCandidates() {
        candidates.forEach(ChildJvm::close);
    }

    @Test
    void aKilledLeaderIsReplacedWithinItsLeasePlusOneSecondAndOnlyOneProcessLeadsAtATime() {
        long leaseMillis = 1_000;
        startCandidates(4, server.uri(), leaseMillis);
        Led leader = awaitLeader(0, Duration.ofSeconds(60));
        for (int failover = 0; failover < 3; failover++) {
            // Let the term run past a few renewals first, so that the lease is the renewed one.
            awaitLeads(leader, leader.firstAt + TimeUnit.MILLISECONDS.toNanos(2 * leaseMillis));
            long killedAt = System.nanoTime();
            leader.candidate.kill();
            Led next = awaitLeader(leader.token, Duration.ofSeconds(10));
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(next.firstAt - killedAt);
            System.out.printf("fail-over %d after SIGKILL: %d ms (lease %d ms)%n", failover, gapMillis, leaseMillis);
            assertThat(gapMillis).as("fail-over %d", failover).isLessThan(leaseMillis + 1_000);
            assertThat(next.candidate).isNotSameAs(leader.candidate);
            leader = next;
        }
        assertOneLeaderAtATimeWithIncreasingTerms(4);
    }

    /**
     * A leader frozen past its lease must not act on the old term when it wakes: its first check
     * after SIGCONT finds the term over, it never again leads with that term's token, onRevoked
     * runs, and the term that replaced it has a greater token.
     */
    @Test
    void aLeaderPausedPastItsLeaseLearnsOnWakingThatItWasRevokedAndNeverActsOnTheOldTerm() {
        long leaseMillis = 1_000;
        startCandidates(3, server.uri(), leaseMillis);
        Led paused = awaitLeader(0, Duration.ofSeconds(60));
        awaitLeads(paused, paused.firstAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
        paused.candidate.pause();
        long pausedAt = System.nanoTime();
        Led next = awaitLeader(paused.token, Duration.ofSeconds(10));
        assertThat(next.candidate).isNotSameAs(paused.candidate);
        Await.sleep(leaseMillis); // the new term runs on while the old leader sleeps
        long resumedAt = System.nanoTime();
        paused.candidate.resume();

        String stopped = paused.candidate.awaitLine(l -> l.startsWith("STOPPED "), Duration.ofSeconds(10));
        assertThat(field(stopped, 1)).isEqualTo(paused.token);
        assertThat(field(stopped, 2))
                .as("the first check after waking finds the term over")
                .isGreaterThan(resumedAt);
        String revoked = paused.candidate.awaitLine(l -> l.startsWith("REVOKED "), Duration.ofSeconds(10));
        assertThat(field(revoked, 1)).isEqualTo(paused.token);
        assertThat(revoked).doesNotEndWith("RESIGNED");
        assertThat(leadsOf(paused.candidate, paused.token))
                .as("the old leader's checks that said it may act, after it was paused")
                .allSatisfy(at -> assertThat(at).isLessThan(pausedAt))
                .isNotEmpty();
        assertThat(next.token).isGreaterThan(paused.token);
        assertOneLeaderAtATimeWithIncreasingTerms(2);
    }

    /**
     * A leader cut off from Redis (every byte dropped by the proxy) is revoked at its own deadline,
     * which must come before the server lets its key expire: otherwise another candidate could be
     * elected while the old leader still believes it leads.
     */
    @Test
    void aBlackholedLeaderIsRevokedBeforeItsKeyExpiresOnTheServer() {
        long leaseMillis = 2_000;
        try (FaultProxy proxy = FaultProxy.to(server)) {
            startCandidates(1, proxy.uri(), leaseMillis);
            ChildJvm cutOff = candidates.get(0);
            Led first = awaitLeader(0, Duration.ofSeconds(60));
            startCandidates(2, server.uri(), leaseMillis);
            awaitLeads(first, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis));

            proxy.blackhole();
            // A lower bound of the key's expiry: the server measured the PTTL after this instant.
            long readAt = System.nanoTime();
            long pttl = ((Number) server.command("PTTL", "warden:{" + ELECTION + "}")).longValue();
            assertThat(pttl).as("the leader's key has a TTL").isPositive();
            long expiresAt = readAt + TimeUnit.MILLISECONDS.toNanos(pttl);

            String revoked = cutOff.awaitLine(l -> l.startsWith("REVOKED "), Duration.ofSeconds(10));
            long revokedAt = field(revoked, 2);
            Led next = awaitLeader(first.token, Duration.ofSeconds(10));
            System.out.printf(
                    "blackholed leader revoked %d ms before its key's expiry; next leader %d ms after the revocation%n",
                    TimeUnit.NANOSECONDS.toMillis(expiresAt - revokedAt),
                    TimeUnit.NANOSECONDS.toMillis(next.firstAt - revokedAt));
            assertThat(field(revoked, 1)).isEqualTo(first.token);
            assertThat(revoked).endsWith(LossCause.RENEWAL_DEADLINE_PASSED.name());
            assertThat(revokedAt).as("revoked before the key can expire").isLessThan(expiresAt);
            assertThat(leadsOf(cutOff, first.token))
                    .allSatisfy(at -> assertThat(at).isLessThan(expiresAt));
            assertThat(next.firstAt).isGreaterThan(revokedAt);
            assertThat(next.candidate).isNotSameAs(cutOff);
            proxy.heal();
            assertOneLeaderAtATimeWithIncreasingTerms(2);
        }
    }

    @Test
    void aResigningLeaderHandsOverToAnotherProcessLongBeforeItsLeaseCouldRunOut() {
        long leaseMillis = 10_000; // far above the hand-over bound: only the release message can explain it
        startCandidates(3, server.uri(), leaseMillis, "500");
        Led leader = awaitLeader(0, Duration.ofSeconds(60));
        // Each resigned candidate holds off for 60 s: two hand-overs leave the last one leading.
        for (int handover = 0; handover < 2; handover++) {
            String resign = leader.candidate.awaitLine(l -> l.startsWith("RESIGN "), Duration.ofSeconds(10));
            String revoked = leader.candidate.awaitLine(l -> l.startsWith("REVOKED "), Duration.ofSeconds(10));
            assertThat(revoked).endsWith("RESIGNED");
            Led next = awaitLeader(leader.token, Duration.ofSeconds(5));
            // The term is active (LEADS) a moment before onElected prints: wait for the line.
            String elected =
                    next.candidate.awaitLine(l -> l.startsWith("ELECTED " + next.token + " "), Duration.ofSeconds(5));
            double handoverMillis = (field(elected, 2) - field(resign, 2)) / 1e6;
            System.out.printf("hand-over %d: resign() to the next onElected in %.1f ms%n", handover, handoverMillis);
            // Typically 100-300 ms here, but 1.2 s was seen at load average 28 on 2 cores: the bound
            // proves the wake came from the release message (a TTL wake takes the 10 s lease).
            assertThat(handoverMillis).as("hand-over %d", handover).isLessThan(3_000);
            assertThat(field(revoked, 2)).as("told before the next is elected").isLessThan(field(elected, 2));
            leader = next;
        }
        assertOneLeaderAtATimeWithIncreasingTerms(3);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A term as one candidate saw it: its token and the first instant it said it leads. */
    private record Led(ChildJvm candidate, long token, long firstAt) {}

    /** One term's leading interval: the first and last checks that said it may act. */
    private record Interval(long pid, long token, long start, long end) {}

    private void startCandidates(int count, String uri, long leaseMillis, String... more) {
        List<ChildJvm> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> args = new ArrayList<>(List.of(uri, ELECTION, Long.toString(leaseMillis)));
            args.addAll(List.of(more));
            started.add(ChildJvm.start(CandidateMain.class, args.toArray(String[]::new)));
        }
        candidates.addAll(started);
        for (ChildJvm candidate : started) {
            candidate.awaitLine(l -> l.equals("CAMPAIGNING"), Duration.ofSeconds(60));
        }
    }

    /** Waits until some candidate leads with a token greater than {@code after}. */
    private Led awaitLeader(long after, Duration timeout) {
        Led[] found = new Led[1];
        String what = "a leader with a token above " + after + " among " + candidates + " (alive: "
                + candidates.stream().map(c -> c.isAlive() ? "y" : "n").toList() + ")";
        Await.until(what, timeout, () -> {
            found[0] = candidates.stream()
                    .flatMap(c -> c.stdout().stream()
                            .filter(l -> l.startsWith("LEADS ") && field(l, 1) > after)
                            .findFirst()
                            .map(l -> new Led(c, field(l, 1), field(l, 2)))
                            .stream())
                    .min(Comparator.comparingLong(Led::firstAt))
                    .orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** Waits until {@code leader} has said it leads its term at or after {@code at}. */
    private static void awaitLeads(Led leader, long at) {
        Await.until(
                leader.candidate + " leading past the given instant",
                Duration.ofSeconds(30),
                () -> leadsOf(leader.candidate, leader.token).stream().anyMatch(t -> t >= at));
    }

    private static List<Long> leadsOf(ChildJvm candidate, long token) {
        return candidate.stdout().stream()
                .filter(l -> l.startsWith("LEADS " + token + " "))
                .map(l -> field(l, 2))
                .toList();
    }

    private static long field(String line, int index) {
        return Long.parseLong(line.split(" ")[index]);
    }

    /**
     * The check of every test: no two terms' leading intervals overlap, across all processes, and
     * each term's token is greater than the one before it.
     */
    private void assertOneLeaderAtATimeWithIncreasingTerms(int atLeastTerms) {
        Map<String, Interval> terms = new LinkedHashMap<>();
        for (ChildJvm candidate : candidates) {
            for (String line : candidate.stdout()) {
                if (line.startsWith("LEADS ")) {
                    long token = field(line, 1);
                    long at = field(line, 2);
                    terms.merge(
                            candidate.pid() + "/" + token,
                            new Interval(candidate.pid(), token, at, at),
                            (a, b) -> new Interval(a.pid, a.token, Math.min(a.start, b.start), Math.max(a.end, b.end)));
                }
            }
        }
        List<Interval> intervals = new ArrayList<>(terms.values());
        intervals.sort(Comparator.comparingLong(Interval::start));
        assertThat(intervals).hasSizeGreaterThanOrEqualTo(atLeastTerms);
        for (int i = 1; i < intervals.size(); i++) {
            Interval before = intervals.get(i - 1);
            Interval after = intervals.get(i);
            assertThat(after.start())
                    .as("term %s leads only after term %s stopped", after, before)
                    .isGreaterThan(before.end());
            assertThat(after.token()).as("terms' tokens increase").isGreaterThan(before.token());
        }
        Optional<Interval> last = intervals.stream().reduce((a, b) -> b);
        System.out.println("terms in leading order: " + intervals.size() + ", last " + last.orElseThrow());
    }
}
