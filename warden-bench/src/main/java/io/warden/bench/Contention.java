package io.warden.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Figures of a contention run (S3, S4) computed from the recorded holdings, all stamped with {@code
 * System.nanoTime()}, which on Linux is CLOCK_MONOTONIC and so comparable across processes.
 */
final class Contention {
    private Contention() {}

    /**
     * One acquisition: asked at {@code requested}, acquire returned at {@code acquired}, release called
     * at {@code released}. The lock was surely held over [acquired, released].
     */
    record Holding(String owner, long requested, long acquired, long released) {}

    /**
     * @param acquisitions holdings that started inside the window
     * @param perSecond acquisitions per second of the window
     * @param overlaps holdings that began before an earlier one ended: mutual exclusion violated
     * @param handoffs acquisitions by another owner than the previous holder
     * @param handoffP50Us median time from one owner's release call to the next owner's acquire return
     * @param handoffP99Us 99th percentile of the same
     * @param minShare the least active owner's acquisitions over the mean per owner
     * @param maxShare the most active owner's acquisitions over the mean per owner
     * @param longestWaitMs the longest time between asking and getting the lock
     */
    record Figures(
            long acquisitions,
            double perSecond,
            long overlaps,
            long handoffs,
            double handoffP50Us,
            double handoffP99Us,
            double minShare,
            double maxShare,
            double longestWaitMs) {}

    /**
     * @param owners every owner that took part, including any that never got the lock
     * @param windowSeconds the length of the measured window
     */
    static Figures analyse(List<Holding> holdings, Collection<String> owners, double windowSeconds) {
        List<Holding> sorted = new ArrayList<>(holdings);
        sorted.sort(Comparator.comparingLong(Holding::acquired));
        Histogram handoff = Stats.nanosHistogram();
        Map<String, Long> perOwner = new HashMap<>();
        owners.forEach(owner -> perOwner.put(owner, 0L));
        long overlaps = 0;
        long longestWait = 0;
        Holding previous = null;
        long latestRelease = Long.MIN_VALUE;
        for (Holding h : sorted) {
            perOwner.merge(h.owner(), 1L, Long::sum);
            longestWait = Math.max(longestWait, h.acquired() - h.requested());
            if (previous != null) {
                if (h.acquired() < latestRelease) {
                    overlaps++;
                } else if (!h.owner().equals(previous.owner())) {
                    handoff.recordValue(h.acquired() - previous.released());
                }
            }
            latestRelease = previous == null ? h.released() : Math.max(latestRelease, h.released());
            previous = h;
        }
        double mean = perOwner.isEmpty() ? 0 : (double) sorted.size() / perOwner.size();
        long min = perOwner.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long max = perOwner.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return new Figures(
                sorted.size(),
                sorted.size() / windowSeconds,
                overlaps,
                handoff.getTotalCount(),
                Stats.percentileMicros(handoff, 50),
                Stats.percentileMicros(handoff, 99),
                mean == 0 ? Double.NaN : min / mean,
                mean == 0 ? Double.NaN : max / mean,
                longestWait / 1e6);
    }
}
