package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The harness's statistics: fast, and no benchmark runs here. */
class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.median(5, 1, 3)).isEqualTo(3);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Stats.median(4, 1, 3, 2)).isEqualTo(2.5);
    }

    @Test
    void summaryKeepsMinAndMaxAroundTheMedian() {
        Stats.Summary s = Stats.summarize(List.of(30.0, 10.0, 20.0));
        assertThat(s.median()).isEqualTo(20);
        assertThat(s.min()).isEqualTo(10);
        assertThat(s.max()).isEqualTo(30);
        assertThat(s.format()).isEqualTo("20 (10–30)");
    }

    @Test
    void percentilesOfANanosecondHistogramAreInMicroseconds() {
        Histogram h = Stats.nanosHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1_000L);
        }
        assertThat(Stats.percentileMicros(h, 50)).isCloseTo(500, within(1.0));
        assertThat(Stats.percentileMicros(h, 99)).isCloseTo(990, within(1.0));
    }

    @Test
    void handOffIsMeasuredFromReleaseToTheNextOwnersAcquire() {
        List<Contention.Holding> holdings = List.of(
                new Contention.Holding("a", 0, 10, 20),
                new Contention.Holding("b", 5, 25, 30),
                new Contention.Holding("b", 30, 31, 40),
                new Contention.Holding("a", 21, 50, 60));
        Contention.Figures f = Contention.analyse(holdings, List.of("a", "b"), 1.0);
        assertThat(f.acquisitions()).isEqualTo(4);
        assertThat(f.overlaps()).isZero();
        assertThat(f.handoffs()).isEqualTo(2);
        assertThat(f.longestWaitMs()).isEqualTo(29 / 1e6);
        assertThat(f.minShare()).isEqualTo(1.0);
    }

    @Test
    void aHoldingThatStartsBeforeTheLastOneEndedIsAnOverlap() {
        List<Contention.Holding> holdings = List.of(
                new Contention.Holding("a", 0, 10, 100),
                new Contention.Holding("b", 0, 20, 30),
                new Contention.Holding("c", 0, 50, 60));
        assertThat(Contention.analyse(holdings, List.of("a", "b", "c"), 1.0).overlaps())
                .isEqualTo(2);
    }

    @Test
    void anOwnerThatNeverGotTheLockHasAShareOfZero() {
        List<Contention.Holding> holdings =
                List.of(new Contention.Holding("a", 0, 1, 2), new Contention.Holding("a", 2, 3, 4));
        Contention.Figures f = Contention.analyse(holdings, List.of("a", "b"), 1.0);
        assertThat(f.minShare()).isZero();
        assertThat(f.maxShare()).isEqualTo(2.0);
    }

    @Test
    void monitorLinesFromScriptsAreNotClientCommands() {
        assertThat(MonitorCounter.isClientCommand("+1700000000.123456 [0 127.0.0.1:5000] \"evalsha\" \"ab\""))
                .isTrue();
        assertThat(MonitorCounter.isClientCommand("+1700000000.123456 [0 lua] \"set\" \"k\""))
                .isFalse();
        assertThat(MonitorCounter.isClientCommand("+OK")).isFalse();
    }
}
