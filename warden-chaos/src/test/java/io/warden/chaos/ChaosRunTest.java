package io.warden.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Warden under every fault of the nemesis, with the history checked afterwards. Sized for CI by
 * default (one round of every fault type, about a minute in all); {@code -Dchaos.duration=10m
 * -Dchaos.seed=N} makes it a soak (80% of the time with an AOF lock Redis, 20% without persistence).
 * A failing run prints its seed and keeps its history under target/chaos.
 */
class ChaosRunTest {

    @Test
    @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.HOURS)
    void underFaultsThatKeepRedisDataFencedWritesAreSingleHolderAndEveryOverlapIsExplained() {
        List<Fault> faults = List.copyOf(EnumSet.complementOf(EnumSet.of(Fault.RESTART_REDIS_NO_PERSISTENCE)));
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
    void aRestartWithoutPersistenceIsReportedAndEveryOverlapItCausesIsExplained() {
        RunSettings settings = settings(
                ChaosSettings.phaseDuration(Duration.ofSeconds(6), 0.2),
                List.of(Fault.RESTART_REDIS_NO_PERSISTENCE),
                false);

        ChaosRun.Result result = ChaosRun.run(settings, ChaosSettings.runDir("no-persistence"));

        assertPassedAndCovered(result);
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
