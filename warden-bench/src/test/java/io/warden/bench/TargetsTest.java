package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Targets are judged on the median of per-round ratios, and say when the rounds disagree. */
class TargetsTest {

    @Test
    void aRatioIsComputedPerRoundAndJudgedOnItsMedian(@TempDir Path dir) {
        Results results = new Results(dir.resolve("r.jsonl"));
        // S2's line is 3× Redisson; per-round ratios 1.0, 3.5 and 2.0 lie on both sides of it.
        pairs(results, 1, 1000, 1000);
        pairs(results, 2, 3500, 1000);
        pairs(results, 3, 4000, 2000);

        Targets.Target s2 = s2AgainstRedisson(results);

        assertThat(s2.measured()).startsWith("2.00× (per round 1.00–3.50×, 3 rounds)");
        assertThat(s2.status()).isEqualTo(Targets.Status.MISS);
        assertThat(s2.verdict()).isEqualTo("MISS (spread straddles)");
    }

    @Test
    void roundsAllOnOneSideDoNotStraddle(@TempDir Path dir) {
        Results results = new Results(dir.resolve("r.jsonl"));
        pairs(results, 1, 3500, 1000);
        pairs(results, 2, 4000, 1000);

        Targets.Target s2 = s2AgainstRedisson(results);

        assertThat(s2.verdict()).isEqualTo("PASS");
    }

    @Test
    void aRoundWhereOnlyOneLibraryWasMeasuredIsLeftOut(@TempDir Path dir) {
        Results results = new Results(dir.resolve("r.jsonl"));
        pairs(results, 1, 3500, 1000);
        results.add(new RunResult("S2", Library.WARDEN, 2).put("pairs_per_s", 1));

        assertThat(s2AgainstRedisson(results).measured()).startsWith("3.50× (per round 3.50–3.50×, 1 round)");
    }

    @Test
    void semaphoreSafetyFailsOnAnyRoundWithTooManyHolders(@TempDir Path dir) {
        Results results = new Results(dir.resolve("r.jsonl"));
        results.add(new RunResult("S8", Library.WARDEN, 1)
                .put("occupancy_violations", 0)
                .put("holders_over_limit", 0));
        results.add(new RunResult("S8", Library.WARDEN, 2)
                .put("occupancy_violations", 0)
                .put("holders_over_limit", 1));

        Targets.Target s8 = target(results, "S8");

        assertThat(s8.status()).isEqualTo(Targets.Status.MISS);
        assertThat(s8.measured()).contains("holders_over_limit 1");
    }

    @Test
    void readWriteSafetyPassesWhenNoRoundSawAnOverlap(@TempDir Path dir) {
        Results results = new Results(dir.resolve("r.jsonl"));
        results.add(new RunResult("S9", Library.WARDEN, 1)
                .put("exclusion_violations", 0)
                .put("writes_over_reads", 0)
                .put("writes_over_writes", 0));

        assertThat(target(results, "S9").status()).isEqualTo(Targets.Status.PASS);
    }

    @Test
    void sharedScenariosWithoutFiguresAreNotMeasured(@TempDir Path dir) {
        Results results = new Results(dir.resolve("r.jsonl"));

        assertThat(target(results, "S8").status()).isEqualTo(Targets.Status.NOT_MEASURED);
        assertThat(target(results, "S9").status()).isEqualTo(Targets.Status.NOT_MEASURED);
    }

    @Test
    void theSemaphoreLibrariesSurviveTheirJsonLine() {
        for (Library library : List.of(Library.REDISSON_EXPIRABLE_SEMAPHORE, Library.REDISSON_SEMAPHORE)) {
            RunResult back = RunResult.fromJson(
                    new RunResult("S8", library, 1).put("acq_per_s", 5).toJson());

            assertThat(back.library()).isEqualTo(library);
        }
    }

    private static Targets.Target target(Results results, String scenario) {
        return Targets.evaluate(results).stream()
                .filter(t -> t.scenario().equals(scenario))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void resultsSurviveTheirJsonLine() {
        RunResult run = new RunResult("S5s", Library.REDIS_BENCHMARK, 3)
                .put("rate", 123456.7)
                .put("missing", Double.NaN)
                .put("count", 2);

        RunResult back = RunResult.fromJson(run.toJson());

        assertThat(back.scenario()).isEqualTo("S5s");
        assertThat(back.library()).isEqualTo(Library.REDIS_BENCHMARK);
        assertThat(back.round()).isEqualTo(3);
        assertThat(back.metrics()).containsEntry("rate", 123500.0).containsEntry("count", 2.0);
        assertThat(back.metrics().get("missing")).isNaN();
    }

    private static void pairs(Results results, int round, double warden, double redisson) {
        results.add(new RunResult("S2", Library.WARDEN, round).put("pairs_per_s", warden));
        results.add(new RunResult("S2", Library.REDISSON, round).put("pairs_per_s", redisson));
    }

    private static Targets.Target s2AgainstRedisson(Results results) {
        return Targets.evaluate(results).stream()
                .filter(t -> t.scenario().equals("S2") && t.goal().contains("Redisson"))
                .findFirst()
                .orElseThrow();
    }
}
