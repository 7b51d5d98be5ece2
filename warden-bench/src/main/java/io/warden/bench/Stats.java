package io.warden.bench;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Small statistics helpers: medians over rounds, percentiles of nanosecond histograms in µs. */
final class Stats {
    private Stats() {}

    /** Median, min and max of one figure over the rounds it was measured in. */
    record Summary(double median, double min, double max, int rounds) {
        /** {@code median (min–max)}, or just the value for a single round. */
        String format() {
            if (rounds <= 1 || min == max) {
                return Stats.format(median);
            }
            return Stats.format(median) + " (" + Stats.format(min) + "–" + Stats.format(max) + ")";
        }
    }

    static Summary summarize(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to summarize");
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Summary(median(sorted), sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    /** The median of {@code values}; the mean of the middle two for an even count. */
    static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** A histogram of nanosecond values with three significant digits, growing as needed. */
    static Histogram nanosHistogram() {
        return new Histogram(3);
    }

    /** The value at {@code percentile} of a nanosecond histogram, in microseconds; NaN if empty. */
    static double percentileMicros(Histogram nanos, double percentile) {
        if (nanos.getTotalCount() == 0) {
            return Double.NaN;
        }
        return nanos.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** Three significant digits, plain notation, thousands without separators. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value) && magnitude < 1e15) {
            return String.format(java.util.Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(java.util.Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(java.util.Locale.ROOT, "%.2f", value);
        }
        return String.format(java.util.Locale.ROOT, "%.3g", value);
    }
}
