package io.warden.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG bar charts of the medians, rendered with XChart. */
final class Charts {
    private static final List<Library> LOCK_LIBRARIES =
            List.of(Library.WARDEN, Library.REDISSON, Library.NAIVE, Library.SHEDLOCK);

    private Charts() {}

    /**
     * Writes the charts into {@code dir}; returns their file names. A chart none of whose figures was
     * measured (a partial run with {@code --only}) is left out rather than drawn empty.
     */
    static List<String> write(Results results, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        save(throughput(results), dir, "throughput.png", written);
        save(
                bars(
                        results,
                        "Latency of one acquire + release (µs, log scale, lower is better)",
                        "µs",
                        List.of(
                                new Bar("S1 p50", "S1", "p50_us"),
                                new Bar("S1 p99", "S1", "p99_us"),
                                new Bar("S1 p99.9", "S1", "p999_us"),
                                new Bar("S2 p50", "S2", "p50_us"),
                                new Bar("S2 p99", "S2", "p99_us"),
                                new Bar("S2 p99.9", "S2", "p999_us"))),
                dir,
                "latency.png",
                written);
        save(
                bars(
                        results,
                        "Hand-off: release to next owner's acquire (µs, log scale, lower is better)",
                        "µs",
                        List.of(
                                new Bar("S3 p50", "S3", "handoff_p50_us"),
                                new Bar("S3 p99", "S3", "handoff_p99_us"),
                                new Bar("S4 p50", "S4", "handoff_p50_us"),
                                new Bar("S4 p99", "S4", "handoff_p99_us"))),
                dir,
                "handoff.png",
                written);
        return written;
    }

    private static CategoryChart throughput(Results results) {
        return bars(
                results,
                "Throughput per scenario (per second, log scale, higher is better)",
                "per second",
                List.of(
                        new Bar("S1 pairs", "S1", "pairs_per_s"),
                        new Bar("S2 pairs", "S2", "pairs_per_s"),
                        new Bar("S3 acquisitions", "S3", "acq_per_s"),
                        new Bar("S4 acquisitions", "S4", "acq_per_s"),
                        new Bar("S6 runs", "S6", "runs_per_s")));
    }

    private record Bar(String label, String scenario, String metric) {}

    private static CategoryChart bars(Results results, String title, String yTitle, List<Bar> bars) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(520)
                .title(title)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> labels = bars.stream().map(Bar::label).toList();
        double smallest = Double.MAX_VALUE;
        for (Library library : LOCK_LIBRARIES) {
            for (Bar bar : bars) {
                Optional<Double> median = results.median(bar.scenario(), library, bar.metric());
                if (median.isPresent() && median.get() > 0) {
                    smallest = Math.min(smallest, median.get());
                }
            }
        }
        // A log axis needs an explicit floor; a missing figure sits on it and draws no bar.
        double floor = smallest == Double.MAX_VALUE ? 1 : Math.pow(10, Math.floor(Math.log10(smallest)));
        chart.getStyler().setYAxisMin(floor);
        for (Library library : LOCK_LIBRARIES) {
            List<Double> values = new ArrayList<>();
            boolean any = false;
            for (Bar bar : bars) {
                Optional<Double> median = results.median(bar.scenario(), library, bar.metric());
                values.add(median.filter(v -> v > 0).orElse(floor));
                any |= median.isPresent();
            }
            if (any) {
                chart.addSeries(library.label(), labels, values);
            }
        }
        return chart;
    }

    /** Saves a chart that has at least one series (XChart cannot draw one without). */
    private static void save(CategoryChart chart, Path dir, String fileName, List<String> written) throws IOException {
        if (chart.getSeriesMap().isEmpty()) {
            return;
        }
        BitmapEncoder.saveBitmap(chart, dir.resolve(fileName).toString(), BitmapEncoder.BitmapFormat.PNG);
        written.add(fileName);
    }
}
