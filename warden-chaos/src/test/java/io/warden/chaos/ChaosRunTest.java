package io.warden.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Warden under every fault of the nemesis, with the history checked afterwards. Sized for CI by
 * default (one round of every fault type, about 80 s in all); {@code -Dchaos.duration=10m
 * -Dchaos.seed=N} makes it a soak (80% of the time with an AOF lock Redis, 20% without persistence).
 * {@code -Dchaos.faults=ACQUIRE_LATENCY,CUT_IN_FLIGHT,PAUSE_REDIS_DURING_RELEASE} runs exactly the
 * named faults. A failing run prints its seed and keeps its history under target/chaos.
 *
 * <p>The faults with uncertain outcomes (late grants, replays after a cut, a release delivered after it
 * timed out) are part of the CI round: on a core that mishandles them this test fails, naming the
 * invariant, the holders, their tokens and the times.
 */
class ChaosRunTest {

    @Test
    @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.HOURS)
    void underFaultsThatKeepRedisDataFencedWritesAreSingleHolderAndEveryOverlapIsExplained() {
        Set<Fault> selected = ChaosSettings.selectedFaults();
        EnumSet<Fault> chosen = EnumSet.complementOf(EnumSet.of(Fault.RESTART_REDIS_NO_PERSISTENCE));
        if (selected != null) {
            chosen.retainAll(selected);
        }
        assumeFalse(chosen.isEmpty(), "chaos.faults selects no fault of this phase");
        List<Fault> faults = List.copyOf(chosen);
        RunSettings settings = settings(ChaosSettings.phaseDuration(Duration.ofSeconds(30), 0.8), faults, true);

        ChaosRun.Result result = ChaosRun.run(settings, ChaosSettings.runDir("aof"));

        assertPassedAndCovered(result);
        for (Fault fault : faults) {
            if (fault.keepsModel()) {
                assertThat(result.report().rows().get(fault.name()).overlaps())
                        .as("overlaps under %s, which keeps the model", fault)
                        .isZero();
            }
        }
        assertThat(result.report().rows().get(Report.QUIET).overlaps()).isZero();
    }

    @Test
    @Timeout(value = 2, unit = java.util.concurrent.TimeUnit.HOURS)
    void aRestartWithoutPersistenceKeepsFencedWritesSingleHolderAndEveryOverlapItCausesIsExplained() {
        Set<Fault> selected = ChaosSettings.selectedFaults();
        assumeTrue(
                selected == null || selected.contains(Fault.RESTART_REDIS_NO_PERSISTENCE),
                "chaos.faults does not select RESTART_REDIS_NO_PERSISTENCE");
        RunSettings settings = settings(
                ChaosSettings.phaseDuration(Duration.ofSeconds(6), 0.2),
                List.of(Fault.RESTART_REDIS_NO_PERSISTENCE),
                false);

        ChaosRun.Result result = ChaosRun.run(settings, ChaosSettings.runDir("no-persistence"));

        assertPassedAndCovered(result);
        // Leases can overlap after Redis forgot them (explained above), but clock-floored tokens
        // minted after a restart exceed every earlier one, so the fenced resource still sees one
        // holder at a time: no token from two holdings, no interleaving, never a token going back.
        assertThat(result.report().totals().get("fenced-sequence anomalies after data loss"))
                .as("fenced-sequence anomalies after data loss")
                .isZero();
    }

    /**
     * Leader election (worker mode {@code leader}: every thread a candidate that writes to the fenced
     * resource while it leads and resigns after a few hundred ms) under the nemesis: terms are checked
     * as holdings (never two at once under faults that keep the model, every overlap explained under a
     * worker pause) and their tokens must increase in the order the terms began. The CI run takes six
     * fault types, one round (under a minute); {@code -Dchaos.leader.duration=10m} runs every fault
     * that applies to an election, for that long.
     */
    @Test
    @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.HOURS)
    void leaderElectionUnderFaultsHasOneLeaderAtATimeAndEveryTermATokenAboveTheLast() {
        Duration soak = ChaosSettings.leaderSoakDuration();
        EnumSet<Fault> chosen = soak == null
                ? EnumSet.of(
                        Fault.PAUSE_WORKER,
                        Fault.KILL_WORKER,
                        Fault.BLACKHOLE,
                        Fault.CUT_IN_FLIGHT,
                        Fault.PAUSE_REDIS_LONG,
                        Fault.RESTART_REDIS_AOF)
                // Not PAUSE_REDIS_DURING_RELEASE, which waits for a long-lease release that no candidate
                // makes, nor the restart without persistence, which the lock phases cover.
                : EnumSet.complementOf(
                        EnumSet.of(Fault.PAUSE_REDIS_DURING_RELEASE, Fault.RESTART_REDIS_NO_PERSISTENCE));
        Set<Fault> selected = ChaosSettings.selectedFaults();
        if (selected != null) {
            chosen.retainAll(selected);
        }
        assumeFalse(chosen.isEmpty(), "chaos.faults selects no fault of the leader phase");
        List<Fault> faults = List.copyOf(chosen);
        RunSettings settings = new RunSettings(
                ChaosSettings.SEED,
                soak == null ? Duration.ofSeconds(15) : soak,
                faults,
                true,
                "leader",
                ChaosSettings.WORKERS,
                ChaosSettings.THREADS,
                ChaosSettings.LEASE);

        ChaosRun.Result result = ChaosRun.run(settings, ChaosSettings.runDir("leader"));

        assertPassedAndCovered(result);
        assertThat(result.report().totals().get("leader terms"))
                .as("leader terms")
                .isGreaterThan(10L);
        for (Fault fault : faults) {
            if (fault.keepsModel()) {
                assertThat(result.report().rows().get(fault.name()).overlaps())
                        .as("overlapping terms under %s, which keeps the model", fault)
                        .isZero();
            }
        }
        assertThat(result.report().rows().get(Report.QUIET).overlaps()).isZero();
    }

    private static RunSettings settings(Duration duration, List<Fault> faults, boolean appendOnly) {
        return new RunSettings(
                ChaosSettings.SEED,
                duration,
                faults,
                appendOnly,
                "warden",
                ChaosSettings.WORKERS,
                ChaosSettings.THREADS,
                ChaosSettings.LEASE);
    }

    static void assertPassedAndCovered(ChaosRun.Result result) {
        String summary = result.describe();
        System.out.println(summary);
        assertThat(result.passed()).as(summary).isTrue();
        for (Fault fault : result.settings().faults()) {
            assertThat(result.report().rows().get(fault.name()).faults())
                    .as("%s injected", fault)
                    .isPositive();
        }
        assertThat(result.report().totals().get("writes accepted"))
                .as("writes accepted")
                .isGreaterThan(100L);
        if (!Boolean.getBoolean("chaos.keep")) {
            result.discardHistory();
        }
    }
}
