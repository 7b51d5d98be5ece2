package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The S8/S9 analysis on hand-made holdings (owner, requested, acquired, released). */
class SharingTest {

    private static Contention.Holding h(String owner, long requested, long acquired, long released) {
        return new Contention.Holding(owner, requested, acquired, released);
    }

    @Test
    void maxConcurrentCountsHoldingsInProgressAtOneInstant() {
        List<Contention.Holding> holdings =
                List.of(h("a", 0, 0, 10), h("b", 0, 2, 8), h("c", 0, 5, 12), h("d", 0, 11, 20));

        assertThat(Sharing.maxConcurrent(holdings)).isEqualTo(3);
    }

    @Test
    void aHoldingStartingWhenAnotherEndsDoesNotOverlapIt() {
        List<Contention.Holding> holdings = List.of(h("a", 0, 0, 10), h("b", 0, 10, 20));

        assertThat(Sharing.maxConcurrent(holdings)).isEqualTo(1);
        assertThat(Sharing.overlapping(holdings, holdings)).isZero();
    }

    @Test
    void handoffIsFromTheLastReleaseDuringTheWaitToTheReturn() {
        List<Contention.Holding> holdings = List.of(
                h("a", 0, 0, 100),
                h("b", 0, 0, 150),
                // waited from 50; releases at 100 and 150 happened meanwhile: hand-off from 150
                h("c", 50, 170, 300),
                // found a permit free: no release during its wait
                h("d", 160, 165, 400));

        Histogram handoffs = Sharing.handoffs(holdings);

        assertThat(handoffs.getTotalCount()).isEqualTo(1);
        assertThat(handoffs.getMaxValue()).isEqualTo(20);
    }

    @Test
    void aWriteOverlappingAReadIsCountedOnce() {
        List<Contention.Holding> reads = List.of(h("r1", 0, 0, 10), h("r2", 0, 5, 15), h("r3", 0, 30, 40));
        List<Contention.Holding> writes = List.of(
                h("w1", 0, 12, 20), // overlaps r2
                h("w2", 0, 20, 30), // touches r3 and w1 only at their ends
                h("w3", 0, 35, 36)); // inside r3

        assertThat(Sharing.overlapping(writes, reads)).isEqualTo(2);
        assertThat(Sharing.overlapping(writes, writes)).isZero();
    }

    @Test
    void twoWritersTogetherAreBothCounted() {
        List<Contention.Holding> writes = List.of(h("w1", 0, 0, 10), h("w2", 0, 9, 20), h("w3", 0, 20, 25));

        assertThat(Sharing.overlapping(writes, writes)).isEqualTo(2);
    }

    @Test
    void countsAroundDuplicatesInASortedArray() {
        long[] values = {1, 3, 3, 3, 7};

        assertThat(Sharing.countAtMost(values, 3)).isEqualTo(4);
        assertThat(Sharing.countBelow(values, 3)).isEqualTo(1);
        assertThat(Sharing.countAtMost(values, 0)).isZero();
        assertThat(Sharing.countBelow(values, 8)).isEqualTo(5);
        assertThat(Sharing.countAtMost(values, 5)).isEqualTo(4);
    }
}
