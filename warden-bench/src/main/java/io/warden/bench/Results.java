package io.warden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every run's figures, printed as JSON lines as they come and summarised over rounds at the end. */
final class Results {
    private final List<RunResult> runs = new ArrayList<>();
    private final Path jsonLines;

    Results(Path jsonLines) {
        this.jsonLines = jsonLines;
        try {
            Files.createDirectories(jsonLines.getParent());
            Files.deleteIfExists(jsonLines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void add(RunResult run) {
        runs.add(run);
        String line = run.toJson();
        System.out.println(line);
        try {
            Files.writeString(
                    jsonLines,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized List<Library> libraries(String scenario) {
        return runs.stream()
                .filter(r -> r.scenario().equals(scenario))
                .map(RunResult::library)
                .distinct()
                .sorted()
                .toList();
    }

    /** Each metric of {@code library} in {@code scenario}, summarised over rounds, in first-seen order. */
    synchronized Map<String, Stats.Summary> summary(String scenario, Library library) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (RunResult run : runs) {
            if (run.scenario().equals(scenario) && run.library() == library) {
                run.metrics()
                        .forEach((metric, value) -> values.computeIfAbsent(metric, m -> new ArrayList<>())
                                .add(value));
            }
        }
        Map<String, Stats.Summary> summary = new LinkedHashMap<>();
        values.forEach((metric, list) -> {
            List<Double> finite = list.stream().filter(v -> !v.isNaN()).toList();
            summary.put(
                    metric,
                    finite.isEmpty()
                            ? new Stats.Summary(Double.NaN, Double.NaN, Double.NaN, 0)
                            : Stats.summarize(finite));
        });
        return summary;
    }

    /** One figure of {@code library} in {@code scenario} by round (measured rounds only, not round 0). */
    synchronized Map<Integer, Double> byRound(String scenario, Library library, String metric) {
        Map<Integer, Double> values = new java.util.TreeMap<>();
        for (RunResult run : runs) {
            Double value = run.metrics().get(metric);
            if (run.scenario().equals(scenario)
                    && run.library() == library
                    && run.round() > 0
                    && value != null
                    && !value.isNaN()) {
                values.put(run.round(), value);
            }
        }
        return values;
    }

    /** The median of one figure, if it was measured. */
    Optional<Double> median(String scenario, Library library, String metric) {
        Stats.Summary s = summary(scenario, library).get(metric);
        return s == null || s.rounds() == 0 ? Optional.empty() : Optional.of(s.median());
    }

    /** The worst (largest) value of one figure over all rounds, if it was measured. */
    Optional<Double> max(String scenario, Library library, String metric) {
        Stats.Summary s = summary(scenario, library).get(metric);
        return s == null || s.rounds() == 0 ? Optional.empty() : Optional.of(s.max());
    }

    /** The worst (smallest) value of one figure over all rounds, if it was measured. */
    Optional<Double> min(String scenario, Library library, String metric) {
        Stats.Summary s = summary(scenario, library).get(metric);
        return s == null || s.rounds() == 0 ? Optional.empty() : Optional.of(s.min());
    }
}
