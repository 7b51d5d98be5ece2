package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Charts of a partial run ({@code --only}): no chart for figures nobody measured, and no crash. */
class ChartsTest {

    @Test
    void aRunOfOnlyS5WritesNoChartAndDoesNotFail(@TempDir Path dir) throws Exception {
        Results results = new Results(dir.resolve("results.jsonl"));
        results.add(new RunResult("S5", Library.WARDEN, 1).put("client_cpu_ms_per_s", 50));
        results.add(new RunResult("S5", Library.REDISSON, 1).put("client_cpu_ms_per_s", 40));

        assertThat(Charts.write(results, dir.resolve("img"))).isEmpty();
    }

    @Test
    void aRunOfOnlyS1WritesTheChartsItHasFiguresFor(@TempDir Path dir) throws Exception {
        Results results = new Results(dir.resolve("results.jsonl"));
        results.add(
                new RunResult("S1", Library.WARDEN, 1).put("pairs_per_s", 5000).put("p50_us", 190));

        assertThat(Charts.write(results, dir.resolve("img"))).containsExactly("throughput.png", "latency.png");
        assertThat(dir.resolve("img/throughput.png")).exists();
        assertThat(Files.exists(dir.resolve("img/handoff.png"))).isFalse();
    }
}
