package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.bench.TopologyCosts.Measurement;
import io.warden.bench.TopologyCosts.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The topology cost table: medians over rounds and ratios to standalone; no Redis here. */
class TopologyReportTest {
    private static final Topology STANDALONE = topology("standalone");
    private static final Topology REDLOCK = topology("Redlock");
    private static final Topology CLUSTER = topology("Cluster");

    @Test
    void ratiosDivideMediansOverRoundsByStandalones() {
        List<Measurement> measurements = List.of(
                new Measurement("standalone", 1, 100, 300, 20_000, 0),
                new Measurement("standalone", 2, 90, 500, 10_000, 0),
                new Measurement("standalone", 3, 110, 400, 30_000, 0),
                new Measurement("Redlock", 1, 250, 900, 5_000, 0),
                new Measurement("Redlock", 2, 300, 800, 6_000, 0),
                new Measurement("Redlock", 3, 200, 700, 4_000, 0));

        String table = TopologyReport.costTable(List.of(STANDALONE, REDLOCK, CLUSTER), measurements);

        assertThat(table)
                .contains("| standalone | 100 | 400 | 20000 | 1.00× | 1.00× |")
                .contains("| Redlock | 250 | 800 | 5000 | 2.50× | 0.25× |")
                .contains("| Cluster | not measured, see Failures | | | | |");
    }

    @Test
    void aMissingReferenceGivesNoRatio() {
        assertThat(TopologyReport.ratio(Double.NaN)).isEqualTo("n/a");
        assertThat(TopologyReport.ratio(1.0 / 3)).isEqualTo("0.33×");
    }

    private static Topology topology(String label) {
        return new Topology(label, "servers", "configuration", open -> {
            throw new UnsupportedOperationException();
        });
    }
}
