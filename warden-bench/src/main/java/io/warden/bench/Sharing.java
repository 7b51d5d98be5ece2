package io.warden.bench;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Figures of the shared-ownership scenarios (S8, S9) computed from recorded holdings, stamped with
 * {@code System.nanoTime()}. A recorded holding [acquired, released] lies inside the real one (acquire
 * had returned, release not yet called), so any overlap found here really happened.
 */
final class Sharing {
    private Sharing() {}

    /** The most holdings in progress at one instant (a holding ending exactly when another starts does not overlap it). */
    static int maxConcurrent(List<Contention.Holding> holdings) {
        long[] starts = holdings.stream()
                .mapToLong(Contention.Holding::acquired)
                .sorted()
                .toArray();
        long[] ends = holdings.stream()
                .mapToLong(Contention.Holding::released)
                .sorted()
                .toArray();
        int max = 0;
        int current = 0;
        int e = 0;
        for (long start : starts) {
            while (e < ends.length && ends[e] <= start) {
                e++;
                current--;
            }
            current++;
            max = Math.max(max, current);
        }
        return max;
    }

    /**
     * Hand-off times: for every acquisition during whose wait some holder called release (a thread
     * holds one permit at a time and asks again only after its own release, so that holder is another
     * thread), the time from the last such release call to the acquire returning. Acquisitions with no
     * release during their wait found a permit free and are left out. With a semaphore kept busy (more
     * threads than permits) this is the time a freed permit takes to reach a waiter.
     */
    static Histogram handoffs(List<Contention.Holding> holdings) {
        long[] ends = holdings.stream()
                .mapToLong(Contention.Holding::released)
                .sorted()
                .toArray();
        Histogram histogram = Stats.nanosHistogram();
        for (Contention.Holding h : holdings) {
            int releasedBefore = countAtMost(ends, h.acquired());
            if (releasedBefore == 0) {
                continue;
            }
            long lastRelease = ends[releasedBefore - 1];
            if (lastRelease >= h.requested()) {
                histogram.recordValue(h.acquired() - lastRelease);
            }
        }
        return histogram;
    }

    /**
     * How many of {@code exclusive} overlap at least one of {@code shared} (a write overlapping reads);
     * pass the same list twice to count holdings that overlap another one of the same list.
     */
    static long overlapping(List<Contention.Holding> exclusive, List<Contention.Holding> shared) {
        long[] starts =
                shared.stream().mapToLong(Contention.Holding::acquired).sorted().toArray();
        long[] ends =
                shared.stream().mapToLong(Contention.Holding::released).sorted().toArray();
        boolean same = exclusive == shared;
        long count = 0;
        for (Contention.Holding h : exclusive) {
            // Holdings that started before h ended, minus those that had ended by the time h started.
            int overlapping = countBelow(starts, h.released()) - countAtMost(ends, h.acquired());
            if (overlapping > (same ? 1 : 0)) {
                count++;
            }
        }
        return count;
    }

    /** Values of the sorted {@code values} that are ≤ {@code bound}. */
    static int countAtMost(long[] values, long bound) {
        int i = Arrays.binarySearch(values, bound);
        if (i < 0) {
            return -i - 1;
        }
        while (i + 1 < values.length && values[i + 1] == bound) {
            i++;
        }
        return i + 1;
    }

    /** Values of the sorted {@code values} that are < {@code bound}. */
    static int countBelow(long[] values, long bound) {
        int i = Arrays.binarySearch(values, bound);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && values[i - 1] == bound) {
            i--;
        }
        return i;
    }
}
