package io.warden.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.chaos.Event.Type;
import io.warden.chaos.FencedResource.AcceptedWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on small hand-written histories: it must pass clean ones and catch each violation. */
class CheckerTest {
    private static final Checker.Settings SETTINGS = Checker.Settings.forLease(Duration.ofSeconds(1));

    private final List<Event> events = new ArrayList<>();
    private final List<AcceptedWrite> accepted = new ArrayList<>();

    /** Times are in milliseconds in these tests. */
    private void event(
            long millis, String process, int thread, Type type, long holding, long token, long seq, String info) {
        events.add(new Event(millis * 1_000_000, process, 1, thread, type, holding, token, seq, info));
    }

    private void workers(String... processes) {
        for (String p : processes) {
            event(0, p, -1, Type.START, 0, -1, -1, "warden");
            event(100_000, p, -1, Type.DONE, 0, -1, -1, "");
        }
    }

    /** A holding that acquires at {@code from}, writes once (accepted) and releases at {@code to}. */
    private void holding(String process, long holding, long token, long from, long to) {
        event(from - 1, process, 0, Type.INVOKE, holding, -1, -1, "");
        event(from, process, 0, Type.OK, holding, token, -1, "");
        event(from + 1, process, 0, Type.WRITE, holding, token, 1, "");
        event(from + 2, process, 0, Type.WRITE_ACCEPTED, holding, token, 1, "");
        accepted.add(new AcceptedWrite(token, process, 0, holding, 1));
        event(to, process, 0, Type.RELEASE, holding, token, 1, "");
        event(to + 1, process, 0, Type.RELEASE_OK, holding, token, 1, "");
    }

    private void fault(Fault fault, String target, long from, long to) {
        event(from, Nemesis.PROCESS, -1, Type.FAULT, 0, -1, -1, fault.name() + " target=" + target + " x");
        event(to, Nemesis.PROCESS, -1, Type.HEAL, 0, -1, -1, fault.name());
    }

    private Report check() {
        return Checker.check(events, accepted, SETTINGS);
    }

    @Test
    void aHistoryOfSuccessiveHoldingsPasses() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 1, 1_000, 1_100);
        holding("w1.0", 1, 2, 1_200, 1_300);
        fault(Fault.BLACKHOLE, "w0.0", 1_400, 2_000);
        holding("w1.0", 2, 3, 2_500, 2_600);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.totals()).containsEntry("overlaps", 0L).containsEntry("writes accepted", 3L);
        assertThat(report.rows().get("BLACKHOLE").worstRecoveryMillis()).isEqualTo(500);
    }

    @Test
    void overlappingHoldingsWithoutAFaultAreAViolation() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 1, 1_000, 1_200);
        holding("w1.0", 1, 2, 1_100, 1_300);

        Report report = check();

        assertThat(report.totals()).containsEntry("overlaps", 1L);
        assertThat(report.violations())
                .singleElement()
                .asString()
                .contains("overlap")
                .contains("under no fault");
    }

    @Test
    void anOverlapUnderAFaultThatKeepsTheModelIsAViolationEvenWhenTheHolderWasToldOfTheLoss() {
        workers("w0.0", "w1.0");
        fault(Fault.BLACKHOLE, "w0.0", 900, 2_500);
        holding("w0.0", 1, 1, 1_000, 1_200);
        event(1_150, "w0.0", 0, Type.LOST, 1, 1, -1, "RENEWAL_DEADLINE_PASSED");
        holding("w1.0", 1, 2, 1_100, 1_300);

        assertThat(check().violations()).anySatisfy(v -> assertThat(v).contains("BLACKHOLE (keeps the model)"));
    }

    @Test
    void anOverlapWithAPausedHolderIsCountedButAllowed() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 1, 1_000, 1_500);
        fault(Fault.PAUSE_WORKER, "w0.0", 1_050, 3_000);
        holding("w1.0", 1, 2, 1_100, 1_300);
        holding("w1.0", 2, 3, 3_100, 3_200);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.rows().get("PAUSE_WORKER").overlaps()).isEqualTo(1);
    }

    @Test
    void anOverlapUnderAPauseIsAViolationWhenNeitherHolderWasPausedOrTold() {
        workers("w0.0", "w1.0", "w2.0");
        fault(Fault.PAUSE_WORKER, "w2.0", 900, 3_000);
        holding("w0.0", 1, 1, 1_000, 1_500);
        holding("w1.0", 1, 2, 1_100, 1_300);
        holding("w1.0", 2, 3, 3_100, 3_200);

        assertThat(check().violations())
                .singleElement()
                .asString()
                .contains("neither holder was told of a loss, paused or killed");
    }

    @Test
    void aTokenGoingBackAtTheResourceIsAViolation() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 5, 1_000, 1_100);
        holding("w1.0", 1, 4, 1_200, 1_300);

        assertThat(check().violations()).singleElement().asString().contains("token went back from 5 to 4");
    }

    @Test
    void twoHoldersInterleavingAtTheResourceIsAViolation() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 7, 1_000, 1_100);
        holding("w1.0", 1, 7, 1_200, 1_300);
        event(1_250, "w0.0", 0, Type.WRITE, 1, 7, 2, "");
        accepted.add(new AcceptedWrite(7, "w0.0", 0, 1, 2));

        assertThat(check().violations())
                .anySatisfy(v -> assertThat(v).contains("token 7 written by two holders"))
                .anySatisfy(v -> assertThat(v).contains("holder w0.0/0/1 wrote again after w1.0/0/1"));
    }

    @Test
    void aRepeatedTokenAfterRedisLostItsDataIsReportedNotFailed() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 3, 1_000, 1_100);
        fault(Fault.RESTART_REDIS_NO_PERSISTENCE, "redis", 1_150, 1_160);
        holding("w1.0", 1, 3, 1_200, 1_300);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.notes())
                .singleElement()
                .asString()
                .contains("after Redis lost its data, ")
                .contains("token 3");
    }

    @Test
    void anOverlapAfterRedisLostItsDataIsExplainedByAReleaseRefusedAsNotHeld() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 3, 1_000, 1_300);
        events.removeIf(e -> e.type() == Type.RELEASE_OK);
        event(1_301, "w0.0", 0, Type.RELEASE_FAIL, 1, 3, 1, "LeaseNotHeldException: its key had expired");
        fault(Fault.RESTART_REDIS_NO_PERSISTENCE, "redis", 1_100, 1_150);
        holding("w1.0", 1, 1, 1_200, 1_400);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.rows().get("RESTART_REDIS_NO_PERSISTENCE").overlaps()).isEqualTo(1);
    }

    @Test
    void aWriteAfterTheHolderWasToldItLostTheLeaseIsAViolation() {
        workers("w0.0");
        holding("w0.0", 1, 1, 1_000, 1_300);
        event(1_100, "w0.0", 0, Type.LOST, 1, 1, -1, "KEY_DELETED");
        event(1_200, "w0.0", 0, Type.WRITE, 1, 1, 2, "");

        assertThat(check().violations())
                .singleElement()
                .asString()
                .contains("wrote (seq 2)")
                .contains("100 ms after it was told it lost the lease");
    }

    @Test
    void noAcquisitionWithinTheBoundAfterAHealIsAViolation() {
        workers("w0.0");
        fault(Fault.PAUSE_REDIS_LONG, "redis", 1_000, 2_000);
        holding("w0.0", 1, 1, 10_000, 10_100);

        assertThat(check().violations())
                .singleElement()
                .asString()
                .startsWith("[liveness] ")
                .contains("the first acquisition took 8000 ms (bound 7000 ms)");
    }

    @Test
    void anAcquireThatNeverReturnsIsAViolationUnlessItsWorkerWasKilled() {
        workers("w0.0");
        event(500, "w0.0", 1, Type.INVOKE, 1, -1, -1, "");
        event(0, "w1.0", -1, Type.START, 0, -1, -1, "warden");
        event(600, "w1.0", 1, Type.INVOKE, 1, -1, -1, "");
        fault(Fault.KILL_WORKER, "w1.0", 700, 701);
        holding("w0.0", 1, 1, 1_000, 1_100);

        assertThat(check().violations())
                .singleElement()
                .asString()
                .contains("acquire by w0.0/1 invoked at +0.500s never returned");
    }

    @Test
    void aWorkerThatNeitherStoppedNorWasKilledIsAViolation() {
        event(0, "w0.0", -1, Type.START, 0, -1, -1, "warden");
        holding("w0.0", 1, 1, 1_000, 1_100);

        assertThat(check().violations()).singleElement().asString().contains("w0.0 was not killed");
    }

    /** A callLocked/runLocked body: invoked at {@code invoked}, began at {@code from}, ended at {@code to}. */
    private void task(String process, long holding, long invoked, long from, long to, boolean heldOnEntry) {
        event(invoked, process, 0, Type.INVOKE, holding, -1, -1, "mode=callLocked");
        event(from, process, 0, Type.TASK_START, holding, -1, -1, "held=" + heldOnEntry + " callLocked");
        long seq = 0;
        if (heldOnEntry) {
            for (long t = from + 1; t < to; t += 25) {
                event(t, process, 0, Type.TASK_HELD, holding, -1, ++seq, "");
            }
        } else {
            event(from + 1, process, 0, Type.TASK_NOT_HELD, holding, -1, 0, "");
        }
        event(to, process, 0, Type.TASK_END, holding, -1, seq, "returned");
        event(to + 1, process, 0, Type.RELEASE_OK, holding, -1, -1, "callLocked returned");
    }

    @Test
    void aReentrantHoldingAfterAFailedReleaseThatOverlapsAnotherHolderIsAViolation() {
        // Defect 1: the release times out while Redis is paused, the thread re-enters its lease
        // (same token), Redis resumes and runs the late release, and another client acquires.
        workers("w0.0", "w1.0");
        fault(Fault.PAUSE_REDIS_DURING_RELEASE, "redis", 1_100, 2_800);
        event(999, "w0.0", 0, Type.INVOKE, 1, -1, -1, "mode=long");
        event(1_000, "w0.0", 0, Type.OK, 1, 5, -1, "mode=long");
        event(1_001, "w0.0", 0, Type.WRITE, 1, 5, 1, "");
        event(1_002, "w0.0", 0, Type.WRITE_ACCEPTED, 1, 5, 1, "");
        accepted.add(new AcceptedWrite(5, "w0.0", 0, 1, 1));
        event(1_200, "w0.0", 0, Type.RELEASE, 1, 5, 1, "remaining=2000");
        event(2_700, "w0.0", 0, Type.RELEASE_FAIL, 1, 5, -1, "RedisUnavailableException: timed out");
        event(2_701, "w0.0", 0, Type.INVOKE, 2, -1, -1, "mode=again after failed release of holding 1");
        event(2_702, "w0.0", 0, Type.OK, 2, 5, -1, "mode=again after failed release of holding 1");
        for (long t = 2_710, seq = 1; t < 3_300; t += 25, seq++) {
            event(t, "w0.0", 0, Type.WRITE, 2, 5, seq, "");
            event(t + 1, "w0.0", 0, Type.WRITE_REFUSED, 2, 5, seq, "");
        }
        event(3_300, "w0.0", 0, Type.RELEASE, 2, 5, 24, "remaining=400");
        event(3_301, "w0.0", 0, Type.RELEASE_OK, 2, 5, -1, "");
        holding("w1.0", 1, 6, 2_850, 3_000);

        Report report = check();

        assertThat(report.violationsByInvariant()).containsOnlyKeys(Report.EXCLUSION);
        assertThat(report.violations())
                .singleElement()
                .asString()
                .startsWith("[two holders] ")
                .contains("w0.0/0/2[token 5, again after failed release of holding 1, held +2.702s..")
                .contains("w1.0/0/1[token 6, acquire, held +2.850s..+3.000s]")
                .contains("overlap by 150 ms from +2.850s")
                .contains("under PAUSE_REDIS_DURING_RELEASE (keeps the model)");
    }

    @Test
    void aTaskBodyThatBeganWithoutAHeldLeaseIsAViolation() {
        // Defect 2: the grant arrived after the lease ran out, and callLocked ran the body anyway.
        workers("w0.0", "w1.0");
        fault(Fault.ACQUIRE_LATENCY, "all", 900, 3_500);
        task("w0.0", 1, 1_000, 2_200, 2_202, false);
        holding("w1.0", 1, 2, 4_000, 4_100);

        Report report = check();

        assertThat(report.violations())
                .singleElement()
                .asString()
                .startsWith("[task ran without a held lease] w0.0/0/1[")
                .contains("w0.0/0/1[no token, task body ran WITHOUT a held lease callLocked, ran +2.200s..+2.202s]")
                .contains("its acquire took 1200 ms")
                .contains("under [ACQUIRE_LATENCY on all +0.900s..+3.500s]");
        assertThat(report.totals()).containsEntry("task bodies started without a held lease", 1L);
    }

    @Test
    void aTaskBodyRunningWithoutALeaseWhileAnotherHoldsIsAlsoAnOverlap() {
        workers("w0.0", "w1.0");
        fault(Fault.ACQUIRE_LATENCY, "all", 900, 3_500);
        holding("w1.0", 1, 2, 2_000, 2_400);
        task("w0.0", 1, 1_000, 2_200, 2_300, false);

        assertThat(check().violationsByInvariant())
                .containsEntry(Report.EXCLUSION, 1)
                .containsEntry(Report.GUARDED_TASK, 1);
    }

    @Test
    void aHeldTaskBodyOverlappingAnotherHolderIsAViolation() {
        workers("w0.0", "w1.0");
        task("w0.0", 1, 999, 1_000, 1_300, true);
        holding("w1.0", 1, 2, 1_100, 1_200);

        assertThat(check().violations())
                .singleElement()
                .asString()
                .startsWith("[two holders] ")
                .contains("task body held callLocked")
                .contains("under no fault");
    }

    @Test
    void heldTaskBodiesInTurnPass() {
        workers("w0.0", "w1.0");
        task("w0.0", 1, 999, 1_000, 1_100, true);
        holding("w1.0", 1, 2, 1_200, 1_300);
        task("w0.0", 2, 1_350, 1_400, 1_500, true);
        fault(Fault.CUT_IN_FLIGHT, "w0.0", 1_600, 1_700);
        task("w1.0", 2, 1_750, 1_800, 1_900, true);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.totals()).containsEntry("overlaps", 0L).containsEntry("holdings confirmed", 4L);
        assertThat(report.rows().get("CUT_IN_FLIGHT").worstRecoveryMillis()).isEqualTo(100);
    }

    @Test
    void aTaskBodyThatBeganUnheldBecauseItsProcessWasPausedIsOnlyANote() {
        workers("w0.0");
        fault(Fault.PAUSE_WORKER, "w0.0", 1_000, 2_500);
        task("w0.0", 1, 999, 2_600, 2_610, false);
        holding("w0.0", 2, 3, 3_000, 3_100);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.notes())
                .anySatisfy(n -> assertThat(n).contains("started unheld after its process was paused"));
    }

    @Test
    void aReleaseAnsweredExpiredWithinTheLeaseItWasSentWithIsAViolation() {
        // Defects 4/5: a release replayed after a reconnect finds its own deletion and reports a loss.
        workers("w0.0");
        fault(Fault.CUT_IN_FLIGHT, "w0.0", 900, 1_500);
        holding("w0.0", 1, 1, 1_000, 1_200);
        events.removeIf(e -> e.type() == Type.RELEASE || e.type() == Type.RELEASE_OK);
        event(1_200, "w0.0", 0, Type.RELEASE, 1, 1, 1, "remaining=800");
        event(1_260, "w0.0", 0, Type.LOST, 1, 1, -1, "KEY_DELETED");
        event(1_260, "w0.0", 0, Type.RELEASE_FAIL, 1, 1, -1, "LeaseNotHeldException: gone reason=EXPIRED");
        holding("w0.0", 2, 2, 2_000, 2_100);

        assertThat(check().violations())
                .singleElement()
                .asString()
                .startsWith("[release reported a held lease expired] ")
                .contains("answered at +1.260s, 60 ms after it was sent at +1.200s with 800 ms of the lease left");
    }

    @Test
    void aReleaseAnsweredExpiredAfterItsLeaseRanOutPasses() {
        workers("w0.0");
        fault(Fault.PAUSE_REDIS_LONG, "redis", 1_100, 2_600);
        holding("w0.0", 1, 1, 1_000, 1_200);
        events.removeIf(e -> e.type() == Type.RELEASE || e.type() == Type.RELEASE_OK);
        event(1_200, "w0.0", 0, Type.RELEASE, 1, 1, 1, "remaining=800");
        event(2_600, "w0.0", 0, Type.RELEASE_FAIL, 1, 1, -1, "LeaseNotHeldException: gone reason=EXPIRED");
        holding("w0.0", 2, 2, 3_000, 3_100);

        assertThat(check().violations()).isEmpty();
    }

    @Test
    void reentrantHoldingsOfOneThreadShareTheirTokenAtTheResource() {
        workers("w0.0", "w1.0");
        holding("w0.0", 1, 4, 1_000, 1_100);
        holding("w0.0", 2, 4, 1_150, 1_200);
        holding("w1.0", 1, 5, 1_300, 1_400);

        assertThat(check().violations()).isEmpty();
    }

    @Test
    void eventsSurviveTheirJsonLine() {
        Event event = new Event(123, "w1.2", 42, 3, Type.LOST, 7, 99, -1, "a \"quoted\" cause\n");
        assertThat(Event.parse(event.toJson())).isEqualTo(event);
    }

    /** A leader term: elected at {@code from} (no INVOKE: a campaign has no bounded call), one write the resource refused, resigned at {@code to}. */
    private void term(String process, long holding, long token, long from, long to) {
        event(from, process, 0, Type.OK, holding, token, -1, Checker.LEADER_TERM);
        event(from + 1, process, 0, Type.WRITE, holding, token, 1, "");
        event(from + 2, process, 0, Type.WRITE_REFUSED, holding, token, 1, "");
        event(to, process, 0, Type.RELEASE, holding, token, -1, "resign");
        event(to + 1, process, 0, Type.RELEASE_OK, holding, token, -1, "resigned");
    }

    @Test
    void leaderTermsWithIncreasingTokensPass() {
        workers("w0.0", "w1.0");
        term("w0.0", 1, 5, 1_000, 1_100);
        term("w1.0", 1, 6, 1_200, 1_300);
        term("w0.0", 2, 9, 1_400, 1_500);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.totals()).containsEntry("leader terms", 3L).containsEntry("overlaps", 0L);
    }

    @Test
    void aLeaderTermWhoseTokenIsNotGreaterThanAnEarlierTermsIsAViolationEvenWithoutOverlap() {
        workers("w0.0", "w1.0");
        term("w0.0", 1, 7, 1_000, 1_100);
        term("w1.0", 1, 7, 1_200, 1_300);
        term("w0.0", 2, 6, 1_400, 1_500);

        Report report = check();

        assertThat(report.totals()).containsEntry("overlaps", 0L);
        assertThat(report.violations()).hasSize(2).allSatisfy(v -> assertThat(v).contains("with a token not greater"));
        assertThat(report.violationsByInvariant()).containsEntry(Report.TERMS, 2);
    }

    @Test
    void aLeaderTermOutOfOrderAfterRedisLostItsDataIsOnlyANote() {
        workers("w0.0", "w1.0");
        term("w0.0", 1, 7, 1_000, 1_100);
        fault(Fault.RESTART_REDIS_NO_PERSISTENCE, "redis", 1_150, 1_160);
        term("w1.0", 1, 3, 1_200, 1_300);

        Report report = check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.totals()).containsEntry("leader terms out of order after data loss", 1L);
    }
}
