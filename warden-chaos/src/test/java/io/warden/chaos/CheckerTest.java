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
        holding("w0.0", 1, 1, 9_000, 9_100);

        assertThat(check().violations())
                .singleElement()
                .asString()
                .contains("the first acquisition took 7000 ms (bound 5000 ms)");
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
                .contains("acquire by w0.0/1 invoked at 500000000 never returned");
    }

    @Test
    void aWorkerThatNeitherStoppedNorWasKilledIsAViolation() {
        event(0, "w0.0", -1, Type.START, 0, -1, -1, "warden");
        holding("w0.0", 1, 1, 1_000, 1_100);

        assertThat(check().violations()).singleElement().asString().contains("w0.0 was not killed");
    }

    @Test
    void eventsSurviveTheirJsonLine() {
        Event event = new Event(123, "w1.2", 42, 3, Type.LOST, 7, 99, -1, "a \"quoted\" cause\n");
        assertThat(Event.parse(event.toJson())).isEqualTo(event);
    }
}
